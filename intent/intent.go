// Package intent reads what a user's own message to the bot means when it
// is not a conversation to check: a greeting, or a report that something is
// already lost ("I already paid", "我已经把卡密发给他了"). It is separate from
// the classifier, which judges the other party's words; this reads the
// user's. The phrases are data (phrases.yaml).
//
// How a loss report is recognised: the message is cut into clauses at
// commas and sentence marks. A clause reports a loss when it
//   - has a verb of a kind (cards: 买/发/bought; code: 告诉/给/gave;
//     screen: 共享/下载/installed; payment: 转账/汇款/paid),
//   - with that kind's object in the clause or anywhere in the message (the
//     object is often said once: "他让我买礼品卡，我已经买了"; payment needs
//     none),
//   - says it is done (zh: 已经/了/过/刚才; en: the verbs are past forms),
//   - and has no cue that it is not done by the user: a negation (没, didn't),
//     a question about doing it (要不要, should I), a condition (如果, if),
//     a relayed demand (让我, asked me) or the user receiving (给我, sent me).
//
// Kinds are tried cards, code, screen, payment, so "I gave him the gift card
// codes" is cards and "我转了5000" is a payment.
package intent

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scamguard/scamguard/internal/words"
	"go.yaml.in/yaml/v3"
)

// Loss kinds: what has already gone, which decides the steps.
const (
	// LossCards: gift or shopping cards bought, or their codes sent.
	LossCards = "cards"
	// LossCode: a verification code, PIN or password given.
	LossCode = "code"
	// LossScreen: screen shared or a remote-access / meeting app installed.
	LossScreen = "screen"
	// LossPayment: money transferred, paid or borrowed for them.
	LossPayment = "payment"
)

// kindOrder is the order kinds are tried in (see the package comment).
var kindOrder = []string{LossCards, LossCode, LossScreen, LossPayment}

//go:embed phrases.yaml
var phrasesYAML []byte

type kindPhrases struct {
	Verbs       []string `yaml:"verbs"`
	Objects     []string `yaml:"objects"`
	NeedsObject bool     `yaml:"needs_object"`
}

type phrasesFile struct {
	Greetings []string `yaml:"greetings"`
	Loss      struct {
		Completion []string               `yaml:"completion"`
		NotDone    []string               `yaml:"not_done"`
		Kinds      map[string]kindPhrases `yaml:"kinds"`
	} `yaml:"loss"`
}

// Reader recognises greetings and loss reports; build it with New, safe for
// concurrent use.
type Reader struct {
	greetings  map[string]bool
	completion []string
	notDone    []string
	kinds      map[string]kindPhrases
}

// New loads phrases.yaml. An error means the embedded file is broken, which
// the package tests catch.
func New() (*Reader, error) {
	return parse(phrasesYAML)
}

func parse(data []byte) (*Reader, error) {
	var file phrasesFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("parse intent phrases: %w", err)
	}
	r := &Reader{greetings: map[string]bool{}, completion: file.Loss.Completion, notDone: file.Loss.NotDone, kinds: file.Loss.Kinds}
	for _, g := range file.Greetings {
		r.greetings[strings.ToLower(g)] = true
	}
	if len(r.greetings) == 0 || len(r.completion) == 0 || len(r.notDone) == 0 {
		return nil, fmt.Errorf("intent phrases: greetings, loss.completion and loss.not_done are needed")
	}
	if len(r.kinds) != len(kindOrder) {
		return nil, fmt.Errorf("intent phrases: loss.kinds has %d kinds, want %v", len(r.kinds), kindOrder)
	}
	for _, kind := range kindOrder {
		k, ok := r.kinds[kind]
		switch {
		case !ok:
			return nil, fmt.Errorf("intent phrases: loss.kinds.%s is missing", kind)
		case len(k.Verbs) == 0:
			return nil, fmt.Errorf("intent phrases: loss.kinds.%s has no verbs", kind)
		case k.NeedsObject && len(k.Objects) == 0:
			return nil, fmt.Errorf("intent phrases: loss.kinds.%s needs objects", kind)
		}
	}
	return r, nil
}

// Loss is what a message says is already lost.
type Loss struct {
	// Kinds are the loss kinds reported, in kindOrder, each once.
	Kinds []string
	// Clause is the first clause that reported one, as written.
	Clause string
}

// Reported reports whether the message says anything is already lost.
func (l Loss) Reported() bool { return len(l.Kinds) > 0 }

// Loss reads a message of the user for a report of something already lost.
func (r *Reader) Loss(text string) Loss {
	lowerText := strings.ToLower(text)
	var loss Loss
	for _, clause := range clauses(text) {
		lower := strings.ToLower(clause)
		if containsAny(lower, r.notDone) {
			continue
		}
		hasCJK := hasHan(clause)
		if hasCJK && !containsAny(lower, r.completion) {
			continue
		}
		for _, kind := range kindOrder {
			k := r.kinds[kind]
			if !containsAny(lower, k.Verbs) {
				continue
			}
			if k.NeedsObject && !containsAny(lower, k.Objects) && !containsAny(lowerText, k.Objects) {
				continue
			}
			if !hasCJK && !startsWithSubject(lower) {
				continue
			}
			if !slices.Contains(loss.Kinds, kind) {
				loss.Kinds = append(loss.Kinds, kind)
			}
			if loss.Clause == "" {
				loss.Clause = strings.TrimSpace(clause)
			}
			break // one kind per clause: the first in kindOrder is the most specific
		}
	}
	slices.SortFunc(loss.Kinds, func(a, b string) int { return slices.Index(kindOrder, a) - slices.Index(kindOrder, b) })
	return loss
}

// startsWithSubject reports whether an English clause is said by someone
// about their own act: it has a subject before the verb (I, we, my mum…),
// so "read me the code" (a demand) is not a report.
func startsWithSubject(lower string) bool {
	fields := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	for _, f := range fields {
		switch f {
		case "i", "i've", "i'd", "we", "we've", "my", "mum", "mom", "dad", "she", "he", "she's", "he's", "grandma", "grandpa":
			return true
		case "already", "just", "have", "had", "so", "and", "but", "oh", "no", "yes", "ok", "okay", "sorry", "help":
			continue
		}
		return false
	}
	return false
}

// IsGreeting reports whether the whole message is a greeting ("你好",
// "hi!", "hello 在吗"): every word of it is one, and nothing else is said.
func (r *Reader) IsGreeting(text string) bool {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" || utf8.RuneCountInString(text) > 40 {
		return false
	}
	if r.greetings[text] {
		return true
	}
	parts := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsPunct(r) && r != '/' || unicode.IsSymbol(r)
	})
	said := false
	for _, part := range parts {
		part = strings.Join(strings.Fields(part), " ")
		if part == "" || r.greetings[part] {
			said = said || part != ""
			continue
		}
		for _, word := range strings.Fields(part) {
			if !r.greetings[word] {
				return false
			}
		}
		said = true
	}
	return said
}

// clauses cuts text at commas, sentence marks and line breaks.
func clauses(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		switch r {
		case '，', '。', '！', '？', '；', ',', '.', '!', '?', ';', '\n', '、':
			return true
		}
		return false
	})
}

// containsAny reports whether text holds any phrase: Latin phrases on word
// boundaries ("not" is not in "nothing"), Chinese ones anywhere.
func containsAny(text string, phrases []string) bool {
	for _, p := range phrases {
		if p == "" {
			continue
		}
		if hasHan(p) {
			if strings.Contains(text, p) {
				return true
			}
			continue
		}
		if words.Contains(text, strings.ToLower(p)) {
			return true
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
