package catalog

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Traditional Chinese variants: the vocabulary a Traditional text is read
// in. Taiwan's is the default, for the larger readership and for readers
// elsewhere (a Traditional reader in the US mostly reads Taiwan's media).
const (
	HantTaiwan   = "TW"
	HantHongKong = "HK"
)

//go:embed hant_vocabulary.yaml
var embeddedHantVocabulary []byte

// hantWord is one row of hant_vocabulary.yaml.
type hantWord struct {
	Mainland string `yaml:"mainland"`
	TW       string `yaml:"tw"`
	HK       string `yaml:"hk"`
}

// hantVocabulary holds one replacer per variant. It is built once from
// embedded data at init and only read afterwards; a broken file panics at
// start-up, and TestHantVocabulary catches that before a build ships.
var hantVocabulary = mustParseHantVocabulary(embeddedHantVocabulary)

func mustParseHantVocabulary(data []byte) map[string]*strings.Replacer {
	v, err := parseHantVocabulary(data)
	if err != nil {
		panic(err)
	}
	return v
}

func parseHantVocabulary(data []byte) (map[string]*strings.Replacer, error) {
	var file struct {
		Words []hantWord `yaml:"words"`
	}
	if err := decodeStrict(data, &file); err != nil {
		return nil, fmt.Errorf("parse hant_vocabulary.yaml: %w", err)
	}
	if len(file.Words) == 0 {
		return nil, fmt.Errorf("hant_vocabulary.yaml: no words")
	}
	seen := map[string]bool{}
	for i, w := range file.Words {
		switch {
		case w.Mainland == "" || w.TW == "" || w.HK == "":
			return nil, fmt.Errorf("hant_vocabulary.yaml word #%d: mainland, tw and hk are all needed", i)
		case seen[w.Mainland]:
			return nil, fmt.Errorf("hant_vocabulary.yaml word #%d: %q is listed twice", i, w.Mainland)
		}
		seen[w.Mainland] = true
	}
	// strings.Replacer tries its pairs in argument order at each position:
	// longer words first, so 個人信息 is not read as 個人 + 信息.
	words := slices.Clone(file.Words)
	slices.SortStableFunc(words, func(a, b hantWord) int {
		return utf8.RuneCountInString(b.Mainland) - utf8.RuneCountInString(a.Mainland)
	})
	pairs := map[string][]string{}
	for _, w := range words {
		pairs[HantTaiwan] = append(pairs[HantTaiwan], w.Mainland, w.TW)
		pairs[HantHongKong] = append(pairs[HantHongKong], w.Mainland, w.HK)
	}
	return map[string]*strings.Replacer{
		HantTaiwan:   strings.NewReplacer(pairs[HantTaiwan]...),
		HantHongKong: strings.NewReplacer(pairs[HantHongKong]...),
	}, nil
}

// LocalizeHant rewrites a Traditional text in the vocabulary of variant
// (HantTaiwan or HantHongKong; anything else reads as Taiwan). Use it on
// our own texts only, never on what the other party wrote: a quote must
// stay as written.
func LocalizeHant(text, variant string) string {
	if variant != HantHongKong {
		variant = HantTaiwan
	}
	return hantVocabulary[variant].Replace(text)
}

// HantVariant picks the vocabulary for a reader: the language tag decides
// when it names a place (zh-HK, zh-MO, zh-TW), else the user's region
// (Hong Kong and Macau read Hong Kong words), else Taiwan's.
func HantVariant(lang, region string) string {
	tag := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	switch {
	case strings.Contains(tag, "-hk") || strings.Contains(tag, "-mo"):
		return HantHongKong
	case strings.Contains(tag, "-tw"):
		return HantTaiwan
	}
	switch strings.ToUpper(region) {
	case "HK", "MO":
		return HantHongKong
	}
	return HantTaiwan
}

// HantTag is the language tag that makes Text.In read Traditional texts in
// the variant's vocabulary: zh-HK or zh-TW.
func HantTag(variant string) string {
	if variant == HantHongKong {
		return "zh-HK"
	}
	return "zh-TW"
}
