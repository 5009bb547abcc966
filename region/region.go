// Package region decides where the user lives, so a reply shows that
// region's hotlines and never another country's. It weighs what is known
// about the user and the conversation — the user's own setting, the brands
// and places named, phone numbers, currencies, the Telegram language and the
// script — into a guess with a confidence, so the bot can use a good guess
// and ask once, with buttons, when the guess is weak.
//
// Evidence order (strongest first) and why:
//
//  1. The user's setting (/region): they told us. Certain.
//  2. A brand, bank, agency or place named (3 each): the scam is about the
//     bank the user has or the parcel they expect, and the channel to show
//     is that brand's, so its region is the best single clue. Brands that
//     operate everywhere (Amazon) are no clue.
//  3. Currency (2) and phone-number formats (2, once per region): strong, but
//     a scammer's number or price can come from abroad. A weak currency word
//     (元, a bare $) counts little, and 元 only in Simplified text.
//  4. The Telegram language_code (1.5 with a region subtag such as en-GB or
//     zh-TW, 1 for a script only such as zh-hans): it is the user's own
//     setting, but it is the app's language, not their address, and most
//     accounts say only "en" or "zh-hans".
//  5. The script of the conversation (0.75): Simplified is written on the
//     mainland and in Singapore, Traditional in Taiwan and Hong Kong, which
//     Cantonese particles (嘅, 咗, 唔: 2) tell apart.
//
// The confidence is the lead of the strongest region over the runner-up,
// relative to its total plus one (so a single weak clue stays weak):
// (top - second) / (top + 1). A Barclays scam alone gives GB 0.75; a
// Simplified chat alone gives CN 0.43; a Traditional chat alone gives
// nothing (Taiwan and Hong Kong tie).
package region

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
)

// Supported are the regions a user can choose, in the order the buttons
// show them: the ones the catalogue has anti-fraud lines for that the bot's
// users live in.
var Supported = []string{"CN", "TW", "HK", "SG", "GB", "US", "AU"}

// Weights of the evidence kinds; see the package comment for the order.
const (
	nameWeight           = 3.0
	currencyWeight       = 2.0
	weakCurrencyWeight   = 0.5
	phoneWeight          = 2.0
	languageRegionWeight = 1.5
	languageScriptWeight = 1.0
	scriptWeight         = 0.75
	cantoneseWeight      = 2.0
)

// Confidence thresholds. A guess at UsableConfidence or more picks the
// region's lines; below SureConfidence the bot should still ask once.
const (
	UsableConfidence = 0.3
	SureConfidence   = 0.7
)

// Cue kinds, as reported in Guess.Cues.
const (
	CueSetting   = "setting"
	CueName      = "name"
	CueCurrency  = "currency"
	CuePhone     = "phone"
	CueLanguage  = "language_code"
	CueScript    = "script"
	CueCantonese = "cantonese"
)

// Evidence is what is known when the region is decided. Every field is
// optional.
type Evidence struct {
	// Setting is the region the user chose (ISO 3166 alpha-2); when set it
	// wins outright.
	Setting string
	// LanguageCode is Telegram's User.language_code (en, en-gb, zh-hans, …).
	LanguageCode string
	// Texts are the conversation's messages, both parties.
	Texts []string
	// Brands are the catalogue ids of brands already detected (the
	// classifier's Verdict.Brand).
	Brands []string
	// Script is the conversation's language as the classifier detected it
	// ("zh", "zh-Hant", "en"), used when Texts are not at hand.
	Script string
}

// Cue is one piece of evidence that counted.
type Cue struct {
	Region string
	Kind   string
	// Text is what was seen: the word, number or language code.
	Text   string
	Weight float64
}

// Guess is the decided region.
type Guess struct {
	// Region is ISO 3166 alpha-2, empty when nothing points anywhere or two
	// regions tie.
	Region string
	// Confidence is in 0..1 (see the package comment).
	Confidence float64
	// Cues are the evidence that counted, strongest first, for logs and for
	// telling the user why we asked.
	Cues []Cue
	// scores keeps every region's total, for Choices.
	scores map[string]float64
}

// Usable reports whether the guess is good enough to pick a region's lines.
func (g Guess) Usable() bool { return g.Region != "" && g.Confidence >= UsableConfidence }

// Sure reports whether the guess needs no confirmation from the user.
func (g Guess) Sure() bool { return g.Region != "" && g.Confidence >= SureConfidence }

// Choices lists Supported for the "where are you?" buttons, the regions
// with evidence first (strongest first), then the rest in their usual order.
func (g Guess) Choices() []string {
	out := slices.Clone(Supported)
	slices.SortStableFunc(out, func(a, b string) int {
		switch sa, sb := g.scores[a], g.scores[b]; {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	return out
}

//go:embed cues.yaml
var cuesYAML []byte

type cuesFile struct {
	Names          map[string][]string           `yaml:"names"`
	Currencies     map[string][]string           `yaml:"currencies"`
	WeakCurrencies map[string][]string           `yaml:"weak_currencies"`
	Phones         map[string][]string           `yaml:"phones"`
	Cantonese      []string                      `yaml:"cantonese"`
	Simplified     string                        `yaml:"simplified"`
	Traditional    string                        `yaml:"traditional"`
	LanguageCodes  map[string]map[string]float64 `yaml:"language_codes"`
	GlobalBrands   []string                      `yaml:"global_brands"`
}

// word is a name or currency to look for, with its region.
type word struct {
	text      string
	region    string
	latin     bool // on word boundaries
	anyCase   bool // written in lower case in the data
	brandName bool // from the catalogue
}

type phoneFormat struct {
	region  string
	pattern *regexp.Regexp
}

// Inferrer decides regions; build it once with New, safe for concurrent use.
type Inferrer struct {
	names          []word
	currencies     []word
	weakCurrencies []word
	phones         []phoneFormat
	cantonese      []string
	simplified     map[rune]bool
	traditional    map[rune]bool
	languageCodes  map[string]map[string]float64
	brandRegion    map[string]string
}

// New builds an Inferrer from cues.yaml and the catalogue's brands: their
// distinctive aliases and display names are name cues of their region.
func New(cat *catalog.Catalog) (*Inferrer, error) {
	return newInferrer(cuesYAML, cat)
}

func newInferrer(data []byte, cat *catalog.Catalog) (*Inferrer, error) {
	var file cuesFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("parse region cues: %w", err)
	}
	in := &Inferrer{
		cantonese:     file.Cantonese,
		simplified:    runeSet(file.Simplified),
		traditional:   runeSet(file.Traditional),
		languageCodes: file.LanguageCodes,
		brandRegion:   map[string]string{},
	}
	if len(in.simplified) == 0 || len(in.traditional) == 0 || len(in.cantonese) == 0 {
		return nil, fmt.Errorf("region cues: simplified, traditional and cantonese are needed")
	}
	for r := range in.simplified {
		if in.traditional[r] {
			return nil, fmt.Errorf("region cues: %q is listed as both Simplified and Traditional", r)
		}
	}
	tables := []struct {
		field string
		from  map[string][]string
		into  *[]word
	}{
		{"names", file.Names, &in.names},
		{"currencies", file.Currencies, &in.currencies},
		{"weak_currencies", file.WeakCurrencies, &in.weakCurrencies},
	}
	for _, table := range tables {
		for region, texts := range table.from {
			if !slices.Contains(Supported, region) {
				return nil, fmt.Errorf("region cues %s: %q is not a supported region", table.field, region)
			}
			for _, text := range texts {
				*table.into = append(*table.into, newWord(text, region, false))
			}
		}
	}
	if err := in.addPhones(file.Phones); err != nil {
		return nil, err
	}
	for code, regions := range file.LanguageCodes {
		for region := range regions {
			if !slices.Contains(Supported, region) {
				return nil, fmt.Errorf("region cues language_codes %s: %q is not a supported region", code, region)
			}
		}
	}
	if err := in.addBrands(file.GlobalBrands, cat); err != nil {
		return nil, err
	}
	// Longer words first, so 中銀香港 is one cue and not also 香港.
	for _, words := range [][]word{in.names, in.currencies, in.weakCurrencies} {
		slices.SortStableFunc(words, func(a, b word) int { return len(b.text) - len(a.text) })
	}
	return in, nil
}

// addPhones compiles the phone-number formats of each region.
func (in *Inferrer) addPhones(phones map[string][]string) error {
	for region, patterns := range phones {
		if !slices.Contains(Supported, region) {
			return fmt.Errorf("region cues phones: %q is not a supported region", region)
		}
		for _, p := range patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				return fmt.Errorf("region cues phones %s: %w", region, err)
			}
			in.phones = append(in.phones, phoneFormat{region: region, pattern: re})
		}
	}
	return nil
}

// addBrands makes the catalogue's impersonable brands of one region cues
// of that region, by their distinctive aliases; the brands of globalBrands
// (catalogue ids) are everywhere and tell nothing.
func (in *Inferrer) addBrands(globalBrands []string, cat *catalog.Catalog) error {
	global := map[string]bool{}
	for _, id := range globalBrands {
		if _, ok := cat.Brand(id); !ok {
			return fmt.Errorf("region cues global_brands: unknown catalogue id %q", id)
		}
		global[id] = true
	}
	for _, b := range cat.ImpersonableBrands() {
		if global[b.ID] || !slices.Contains(Supported, b.Region) {
			continue
		}
		in.brandRegion[b.ID] = b.Region
		for _, alias := range catalog.DistinctiveAliases(b) {
			w := newWord(alias, b.Region, true)
			// the catalogue spells brands its own way and chats do not, but
			// an acronym only counts in capitals (CCB, not "ccb")
			w.anyCase = w.latin && !catalog.IsAcronym(alias)
			in.names = append(in.names, w)
		}
	}
	return nil
}

func newWord(text, region string, brandName bool) word {
	latin := !hasHan(text) && hasLatinLetter(text)
	return word{text: text, region: region, latin: latin, anyCase: latin && strings.ToLower(text) == text, brandName: brandName}
}

func runeSet(s string) map[rune]bool {
	set := map[rune]bool{}
	for _, r := range s {
		set[r] = true
	}
	return set
}

// Infer decides the region from the evidence.
func (in *Inferrer) Infer(e Evidence) Guess {
	if setting := catalog.NormalizeRegion(e.Setting); setting != "" {
		return Guess{Region: setting, Confidence: 1, Cues: []Cue{{Region: setting, Kind: CueSetting, Text: e.Setting, Weight: 1}}}
	}
	var cues []Cue
	text := strings.Join(e.Texts, "\n")

	named := map[string]bool{}
	for _, id := range e.Brands {
		if region, ok := in.brandRegion[id]; ok && !named[id] {
			named[id] = true
			cues = append(cues, Cue{Region: region, Kind: CueName, Text: id, Weight: nameWeight})
		}
	}
	for _, w := range findWords(text, in.names) {
		cues = append(cues, Cue{Region: w.region, Kind: CueName, Text: w.text, Weight: nameWeight})
	}

	currencies := findWords(text, in.currencies)
	for _, w := range currencies {
		cues = append(cues, Cue{Region: w.region, Kind: CueCurrency, Text: w.text, Weight: currencyWeight})
	}
	script := in.script(text, e.Script)
	if len(currencies) == 0 {
		for _, w := range findWords(text, in.weakCurrencies) {
			if w.text == "元" && script != scriptSimplified {
				continue // Taiwan and Hong Kong write 元 too
			}
			cues = append(cues, Cue{Region: w.region, Kind: CueCurrency, Text: w.text, Weight: weakCurrencyWeight})
		}
	}

	phoned := map[string]bool{}
	for _, f := range in.phones {
		if phoned[f.region] {
			continue
		}
		if m := f.pattern.FindString(text); m != "" {
			phoned[f.region] = true
			cues = append(cues, Cue{Region: f.region, Kind: CuePhone, Text: strings.TrimSpace(m), Weight: phoneWeight})
		}
	}

	if code := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(e.LanguageCode), "_", "-")); code != "" {
		weight := languageRegionWeight
		if code == "zh-hans" || code == "zh-hant" {
			weight = languageScriptWeight
		}
		for region, share := range in.languageCodes[code] {
			cues = append(cues, Cue{Region: region, Kind: CueLanguage, Text: code, Weight: weight * share})
		}
	}

	switch script {
	case scriptSimplified:
		cues = append(cues, Cue{Region: "CN", Kind: CueScript, Text: "Simplified", Weight: scriptWeight})
	case scriptTraditional:
		cues = append(cues,
			Cue{Region: "TW", Kind: CueScript, Text: "Traditional", Weight: scriptWeight},
			Cue{Region: "HK", Kind: CueScript, Text: "Traditional", Weight: scriptWeight})
	}
	for _, particle := range in.cantonese {
		if strings.Contains(text, particle) {
			cues = append(cues, Cue{Region: "HK", Kind: CueCantonese, Text: particle, Weight: cantoneseWeight})
			break // one is enough: more particles are the same clue
		}
	}
	return decide(cues)
}

// decide totals the cues per region and measures the leader's lead.
func decide(cues []Cue) Guess {
	scores := map[string]float64{}
	for _, c := range cues {
		scores[c.Region] += c.Weight
	}
	var top, second float64
	var leader string
	for _, region := range Supported { // a fixed order, so a tie is always decided the same way
		switch s := scores[region]; {
		case s > top:
			second, top, leader = top, s, region
		case s > second:
			second = s
		}
	}
	slices.SortStableFunc(cues, func(a, b Cue) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		return 0
	})
	g := Guess{Cues: cues, scores: scores}
	if top > second {
		g.Region = leader
		g.Confidence = (top - second) / (top + 1)
	}
	return g
}

const (
	scriptNone        = ""
	scriptSimplified  = "Hans"
	scriptTraditional = "Hant"
)

// script tells Simplified from Traditional text by the characters that
// differ; without text it falls back to the classifier's language.
func (in *Inferrer) script(text, detected string) string {
	simplified, traditional := 0, 0
	for _, r := range text {
		switch {
		case in.simplified[r]:
			simplified++
		case in.traditional[r]:
			traditional++
		}
	}
	switch {
	case simplified > traditional:
		return scriptSimplified
	case traditional > simplified:
		return scriptTraditional
	case simplified > 0:
		return scriptNone // as many of each: a mixed paste says nothing
	}
	switch catalog.NormalizeLang(detected) {
	case "zh":
		return scriptSimplified
	case "zh-Hant":
		return scriptTraditional
	}
	return scriptNone
}

// findWords returns each word found in text once, longest first; a word
// inside a longer one already found (香港 in 中銀香港) does not count again.
func findWords(text string, words []word) []word {
	var found []word
	var taken [][2]int
	lower := ""
	for _, w := range words {
		haystack, needle := text, w.text
		if w.anyCase {
			if lower == "" {
				lower = strings.ToLower(text)
			}
			haystack, needle = lower, strings.ToLower(w.text)
		}
		for from := 0; from < len(haystack); {
			i := strings.Index(haystack[from:], needle)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(needle)
			from = start + 1
			if w.latin && !onWordBoundaries(haystack, start, end) {
				continue
			}
			if slices.ContainsFunc(taken, func(span [2]int) bool { return start < span[1] && end > span[0] }) {
				continue
			}
			taken = append(taken, [2]int{start, end})
			if !slices.ContainsFunc(found, func(f word) bool { return f.text == w.text }) {
				found = append(found, w)
			}
		}
	}
	return found
}

// onWordBoundaries reports whether s[start:end] is not glued to other
// letters or digits at an end that is itself a letter or digit ("HK$100"
// is HK$, "Chased" is not Chase).
func onWordBoundaries(s string, start, end int) bool {
	first, _ := utf8.DecodeRuneInString(s[start:])
	last, _ := utf8.DecodeLastRuneInString(s[:end])
	before, _ := utf8.DecodeLastRuneInString(s[:start])
	after, _ := utf8.DecodeRuneInString(s[end:])
	return !(isASCIIAlnum(first) && isASCIIAlnum(before)) && !(isASCIIAlnum(last) && isASCIIAlnum(after))
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0x20000 {
			return true
		}
	}
	return false
}

func hasLatinLetter(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return true
		}
	}
	return false
}
