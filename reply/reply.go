// Package reply turns a Verdict into what the user reads: a headline, the
// scam type, why (quoted from the conversation), what to do now, what they
// will ask next and the official channels to verify through. One rendering
// path per output: plain text here (CLI), HTML for Telegram later.
package reply

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// texts is the fixed frame of a reply in one language.
type texts struct {
	HeadlineScam       string            `yaml:"headline_scam"`
	HeadlineSuspicious string            `yaml:"headline_suspicious"`
	HeadlineNone       string            `yaml:"headline_none"`
	NoneNote           string            `yaml:"none_note"`
	Type               string            `yaml:"type"`
	Why                string            `yaml:"why"`
	DoNow              string            `yaml:"do_now"`
	Next               string            `yaml:"next"`
	Verify             string            `yaml:"verify"`
	QuoteOpen          string            `yaml:"quote_open"`
	QuoteClose         string            `yaml:"quote_close"`
	DoScam             []string          `yaml:"do_scam"`
	DoSuspicious       []string          `yaml:"do_suspicious"`
	Roles              map[string]string `yaml:"roles"`
}

//go:embed texts.yaml
var textsYAML []byte

// Renderer builds replies from verdicts; safe for concurrent use.
type Renderer struct {
	catalog *catalog.Catalog
	texts   map[string]texts
}

// New loads the reply texts.
func New(cat *catalog.Catalog) (*Renderer, error) {
	var all map[string]texts
	if err := yaml.Unmarshal(textsYAML, &all); err != nil {
		return nil, fmt.Errorf("parse reply texts: %w", err)
	}
	for _, lang := range []string{"zh", "en"} {
		t, ok := all[lang]
		if !ok || t.HeadlineScam == "" || t.HeadlineNone == "" || len(t.DoScam) == 0 || len(t.Roles) == 0 {
			return nil, fmt.Errorf("reply texts: %s is incomplete", lang)
		}
	}
	return &Renderer{catalog: cat, texts: all}, nil
}

// Options choose the reply's language and the user's region.
type Options struct {
	// Lang is "auto" (from the conversation), "zh", "zh-Hant" or "en".
	Lang string
	// Region is an ISO 3166 alpha-2 code, or empty when unknown.
	Region string
}

// Reply is a rendered answer.
type Reply struct {
	// Lang is the language it is written in.
	Lang string
	// Text is the plain-text reply.
	Text string
	// Verify are the official channels shown under "verify through".
	Verify []catalog.Verify
}

// maxQuotes bounds the "why" list: a reply is read on a phone.
const maxQuotes = 3

// maxQuoteRunes shortens a long quoted match.
const maxQuoteRunes = 40

// Render writes the reply for a verdict.
func (r *Renderer) Render(v classifier.Verdict, opts Options) Reply {
	lang := opts.Lang
	if lang == "" || lang == "auto" {
		lang = v.Language
	}
	t := r.texts[textLang(lang)]
	verify := r.catalog.VerifyVia(v.Brand, v.Type, lang, opts.Region)

	var b strings.Builder
	switch v.Level {
	case classifier.LevelScam:
		b.WriteString(t.HeadlineScam)
	case classifier.LevelSuspicious:
		b.WriteString(t.HeadlineSuspicious)
	default:
		b.WriteString(t.HeadlineNone)
		b.WriteString("\n")
		b.WriteString(t.NoneNote)
		r.writeVerify(&b, t, verify)
		return Reply{Lang: lang, Text: b.String(), Verify: verify}
	}
	b.WriteString("\n")

	scamType, knownType := r.catalog.ScamType(v.Type)
	if knownType {
		fmt.Fprintf(&b, "%s: %s\n", t.Type, scamType.Names.In(textLang(lang)))
	}
	if quotes := r.quotes(v, t); len(quotes) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", t.Why)
		for _, q := range quotes {
			fmt.Fprintf(&b, "• %s\n", q)
		}
	}
	fmt.Fprintf(&b, "\n%s:\n", t.DoNow)
	steps := t.DoSuspicious
	if v.Level == classifier.LevelScam {
		steps = t.DoScam
	}
	for _, s := range steps {
		fmt.Fprintf(&b, "• %s\n", s)
	}
	if v.Level == classifier.LevelScam && knownType {
		if next := nextStep(scamType, v.Stage, textLang(lang)); next != "" {
			fmt.Fprintf(&b, "\n%s: %s\n", t.Next, next)
		}
	}
	r.writeVerify(&b, t, verify)
	return Reply{Lang: lang, Text: strings.TrimRight(b.String(), "\n"), Verify: verify}
}

func (r *Renderer) writeVerify(b *strings.Builder, t texts, verify []catalog.Verify) {
	if len(verify) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s:\n", t.Verify)
	for _, item := range verify {
		line := item.Value
		if item.Name != "" && item.Kind != catalog.VerifyAdvice {
			line = item.Name + ": " + item.Value
		}
		if item.Note != "" && item.Kind != catalog.VerifyAdvice {
			line += " (" + item.Note + ")"
		}
		fmt.Fprintf(b, "• %s\n", line)
	}
}

// quotes picks up to maxQuotes of the other party's phrases, strongest roles
// first, each with what it means.
func (r *Renderer) quotes(v classifier.Verdict, t texts) []string {
	order := []classifier.Role{
		classifier.RoleMoneyMove, classifier.RolePivot, classifier.RoleLink, classifier.RolePretext,
		classifier.RoleImpersonation, classifier.RoleLure, classifier.RolePressure,
		classifier.RoleCredibility, classifier.RoleAction,
	}
	var out []string
	for _, role := range order {
		for _, h := range v.Signals {
			if h.Role != role || h.Act != classifier.ActAssert {
				continue
			}
			out = append(out, fmt.Sprintf("%s%s%s — %s", t.QuoteOpen, shorten(h.Match), t.QuoteClose, t.Roles[string(role)]))
			break
		}
		if len(out) == maxQuotes {
			break
		}
	}
	return out
}

// nextStep is the stage after the one reached: what the person should expect.
func nextStep(t catalog.ScamType, stage, lang string) string {
	stages := []string{catalog.StageOpen, catalog.StageCredibility, catalog.StagePivot, catalog.StagePayment}
	for i, s := range stages {
		if s != stage {
			continue
		}
		st, _ := t.Stage(stages[min(i, len(stages)-1)])
		return st.Next.In(lang)
	}
	st, _ := t.Stage(catalog.StageOpen)
	return st.Next.In(lang)
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxQuoteRunes {
		return s
	}
	runes := []rune(s)
	return string(runes[:maxQuoteRunes]) + "…"
}

// textLang maps a reply language to the texts available.
func textLang(lang string) string {
	if strings.HasPrefix(lang, "zh") {
		return "zh"
	}
	return "en"
}
