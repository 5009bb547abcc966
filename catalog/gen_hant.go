//go:build ignore

// gen_hant writes the Traditional Chinese texts of the catalogue: for every
// Simplified `zh` text of channels.yaml and scamtypes.yaml it writes a
// `zh_hant` text next to it, converted with OpenCC's data
// (https://github.com/BYVoid/OpenCC, Apache-2.0): STPhrases.txt and
// STCharacters.txt (longest phrase first, else the first candidate of the
// character), then TWVariants.txt, so the forms are the ones Taiwan and Hong
// Kong readers both know (為, 裡, 著, 偽) rather than OpenCC's own standard
// forms (爲, 裏, 着, 僞). handFixes below correct what the data gets wrong for
// our sentences; they were found by reading the output.
//
// The conversion runs at build time, not in the bot, so every sentence a user
// reads is in the repository and can be reviewed. It is character by
// character on purpose (TestTraditionalTextsMatchSimplified relies on it):
// the words that differ by region (轉賬 → 轉帳, 軟件 → 軟體 in Taiwan, 鏈接 →
// 連結) are replaced when a text is read, per region, from
// hant_vocabulary.yaml (see LocalizeHant and Text.In). Run it after changing a zh
// text (TestTraditionalTextsMatchSimplified fails until you do):
//
//	go mod download github.com/longbridgeapp/opencc@v0.3.13 # any copy of OpenCC's dictionary works
//	go run gen_hant.go -opencc "$(go env GOMODCACHE)/github.com/longbridgeapp/opencc@v0.3.13/dictionary" channels.yaml scamtypes.yaml
//
// With -convert it prints the conversion of stdin instead, for the fixed
// frame of the replies (reply/texts.yaml).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// handFixes replace phrases of the converted text. Each one was checked by
// hand against the sentence it occurs in.
var handFixes = []struct{ from, to string }{
	// 并联 (parallel circuit) and 并发 (concurrency) win the longest match
	// in "并联系" / "并发卡密"; our texts mean "and contact" / "and send".
	{"並聯系", "並聯繫"},
	{"併發", "並發"},
	// 回复 as "reply" is 回覆 in Taiwan and Hong Kong; 回復 is "restore".
	{"回復", "回覆"},
	// 发卡 is read as 髮卡 (hairpin); ours are card numbers and card issuers.
	{"髮卡", "發卡"},
	// 换只 is read as 換隻 (a measure word); ours is "exchange only in".
	{"兌換隻", "兌換只"},
	// Taiwan and Hong Kong quote with corner brackets.
	{"“", "「"}, {"”", "」"}, {"‘", "『"}, {"’", "』"},
}

type converter struct {
	phrases   map[string]string
	chars     map[rune]string
	variants  map[rune]rune
	maxPhrase int
}

func loadDict(path string, each func(from, to string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		from, rest, ok := strings.Cut(scanner.Text(), "\t")
		if !ok || from == "" {
			continue
		}
		first, _, _ := strings.Cut(rest, " ") // the first candidate is OpenCC's choice
		each(from, first)
	}
	return scanner.Err()
}

func newConverter(dir string) (*converter, error) {
	c := &converter{phrases: map[string]string{}, chars: map[rune]string{}, variants: map[rune]rune{}}
	err := loadDict(filepath.Join(dir, "STPhrases.txt"), func(from, to string) {
		c.phrases[from] = to
		c.maxPhrase = max(c.maxPhrase, utf8.RuneCountInString(from))
	})
	if err != nil {
		return nil, fmt.Errorf("load STPhrases: %w", err)
	}
	err = loadDict(filepath.Join(dir, "STCharacters.txt"), func(from, to string) {
		r, _ := utf8.DecodeRuneInString(from)
		c.chars[r] = to
	})
	if err != nil {
		return nil, fmt.Errorf("load STCharacters: %w", err)
	}
	err = loadDict(filepath.Join(dir, "TWVariants.txt"), func(from, to string) {
		f, _ := utf8.DecodeRuneInString(from)
		t, _ := utf8.DecodeRuneInString(to)
		c.variants[f] = t
	})
	if err != nil {
		return nil, fmt.Errorf("load TWVariants: %w", err)
	}
	return c, nil
}

// convert is OpenCC's s2t segmentation (longest phrase, else character)
// followed by the Taiwan variant characters and the hand fixes.
func (c *converter) convert(s string) string {
	runes := []rune(s)
	var out strings.Builder
	for i := 0; i < len(runes); {
		matched := false
		for n := min(c.maxPhrase, len(runes)-i); n >= 2; n-- {
			if to, ok := c.phrases[string(runes[i:i+n])]; ok {
				out.WriteString(to)
				i += n
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if to, ok := c.chars[runes[i]]; ok {
			out.WriteString(to)
		} else {
			out.WriteRune(runes[i])
		}
		i++
	}
	converted := []rune(out.String())
	for i, r := range converted {
		if v, ok := c.variants[r]; ok {
			converted[i] = v
		}
	}
	result := string(converted)
	for _, fix := range handFixes {
		result = strings.ReplaceAll(result, fix.from, fix.to)
	}
	return result
}

var (
	// blockText is `zh: "..."` on its own line; listStart is `zh:` before a
	// list of `- "..."` items; flowText is `{zh: "...", en: ...}`.
	blockText = regexp.MustCompile(`^(\s*)zh: ("(?:[^"\\]|\\.)*")\s*$`)
	listStart = regexp.MustCompile(`^(\s*)zh:\s*$`)
	listItem  = regexp.MustCompile(`^(\s*)- ("(?:[^"\\]|\\.)*")\s*$`)
	flowText  = regexp.MustCompile(`\{zh: ("(?:[^"\\]|\\.)*"), (?:zh_hant: "(?:[^"\\]|\\.)*", )?`)
	oldBlock  = regexp.MustCompile(`^\s*zh_hant:`)
)

// rewrite adds (or replaces) the zh_hant text after every zh text.
func (c *converter) rewrite(data string) string {
	lines := strings.Split(data, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if oldBlock.MatchString(line) {
			// a previous run's text: skip it and its list items
			indent := len(line) - len(strings.TrimLeft(line, " "))
			for i+1 < len(lines) && listItem.MatchString(lines[i+1]) && len(lines[i+1])-len(strings.TrimLeft(lines[i+1], " ")) > indent {
				i++
			}
			continue
		}
		line = flowText.ReplaceAllStringFunc(line, func(m string) string {
			zh := flowText.FindStringSubmatch(m)[1]
			return fmt.Sprintf("{zh: %s, zh_hant: %s, ", zh, c.convert(zh))
		})
		out = append(out, line)
		if m := blockText.FindStringSubmatch(line); m != nil {
			out = append(out, m[1]+"zh_hant: "+c.convert(m[2]))
			continue
		}
		if m := listStart.FindStringSubmatch(line); m != nil {
			var items []string
			for i+1 < len(lines) && listItem.MatchString(lines[i+1]) {
				i++
				out = append(out, lines[i])
				item := listItem.FindStringSubmatch(lines[i])
				items = append(items, item[1]+"- "+c.convert(item[2]))
			}
			out = append(out, m[1]+"zh_hant:")
			out = append(out, items...)
		}
	}
	return strings.Join(out, "\n")
}

func main() {
	dir := flag.String("opencc", "", "OpenCC's dictionary folder (STPhrases.txt, STCharacters.txt, TWVariants.txt)")
	convertStdin := flag.Bool("convert", false, "print the conversion of stdin")
	flag.Parse()
	c, err := newConverter(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen_hant:", err)
		os.Exit(1)
	}
	if *convertStdin {
		data, err := os.ReadFile("/dev/stdin")
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen_hant:", err)
			os.Exit(1)
		}
		fmt.Print(c.convert(string(data)))
		return
	}
	for _, path := range flag.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen_hant:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(path, []byte(c.rewrite(string(data))), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen_hant:", err)
			os.Exit(1)
		}
	}
}
