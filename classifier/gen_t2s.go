//go:build ignore

// gen_t2s writes t2s.txt, the Traditional → Simplified character table the
// normaliser folds with, from OpenCC's data (https://github.com/BYVoid/OpenCC,
// Apache-2.0): TSCharacters.txt (first candidate), plus the Taiwan and Hong
// Kong variant tables mapped through it, single characters only.
//
//	go mod download github.com/longbridgeapp/opencc@v0.3.13
//	go run gen_t2s.go -opencc "$(go env GOMODCACHE)/github.com/longbridgeapp/opencc@v0.3.13/dictionary" > t2s.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

func main() {
	dir := flag.String("opencc", "", "OpenCC dictionary folder")
	flag.Parse()
	ts := readPairs(filepath.Join(*dir, "TSCharacters.txt"))
	out := map[rune]rune{}
	for t, s := range ts {
		out[t] = s
	}
	for _, name := range []string{"TWVariantsRev.txt", "HKVariantsRev.txt"} {
		for variant, standard := range readPairs(filepath.Join(*dir, name)) {
			simplified, ok := ts[standard]
			if !ok {
				simplified = standard
			}
			if _, seen := out[variant]; !seen && simplified != variant {
				out[variant] = simplified
			}
		}
	}
	keys := make([]rune, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	fmt.Println("# Traditional → Simplified, one character pair per line (first candidate only).")
	fmt.Println("# Generated from OpenCC's TSCharacters.txt, TWVariantsRev.txt and HKVariantsRev.txt")
	fmt.Println("# (https://github.com/BYVoid/OpenCC, Apache-2.0) by gen_t2s.go; used only for matching.")
	for _, k := range keys {
		fmt.Printf("%c\t%c\n", k, out[k])
	}
}

// readPairs reads "from<TAB>to [to…]" lines, single characters only.
func readPairs(path string) map[rune]rune {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	pairs := map[rune]rune{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		from, to, ok := strings.Cut(scanner.Text(), "\t")
		to, _, _ = strings.Cut(to, " ")
		if !ok || utf8.RuneCountInString(from) != 1 || utf8.RuneCountInString(to) != 1 || from == to {
			continue
		}
		f, _ := utf8.DecodeRuneInString(from)
		t, _ := utf8.DecodeRuneInString(to)
		pairs[f] = t
	}
	return pairs
}
