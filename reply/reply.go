// Package reply turns a Verdict into what the user reads: a headline, the
// scam type, why (quoted from the conversation), what they will ask next,
// what to do now and the official channels to verify through.
//
// One rendering path per output: compose builds the reply once as a list of
// blocks, then Render writes it as plain text (the CLI) and RenderHTML as
// Telegram HTML. Neither writer decides what is said, so they cannot drift
// apart.
package reply

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// Reply languages: Simplified Chinese, Traditional Chinese and English.
const (
	LangZh     = "zh"
	LangZhHant = "zh-Hant"
	LangEn     = "en"
)

var languages = []string{LangZh, LangZhHant, LangEn}

// texts is the fixed frame of a reply in one language.
type texts struct {
	HeadlineScam       string   `yaml:"headline_scam"`
	HeadlineSuspicious string   `yaml:"headline_suspicious"`
	HeadlineNone       string   `yaml:"headline_none"`
	NoneNote           string   `yaml:"none_note"`
	Type               string   `yaml:"type"`
	Why                string   `yaml:"why"`
	Explanation        string   `yaml:"explanation"`
	Next               string   `yaml:"next"`
	PaymentStep        string   `yaml:"payment_step"`
	Remember           string   `yaml:"remember"`
	DoNow              string   `yaml:"do_now"`
	Verify             string   `yaml:"verify"`
	Separator          string   `yaml:"separator"`
	QuoteOpen          string   `yaml:"quote_open"`
	QuoteClose         string   `yaml:"quote_close"`
	DoScam             []string `yaml:"do_scam"`
	DoSuspicious       []string `yaml:"do_suspicious"`
	// The short warning a family group hears (GroupWarning).
	GroupScam       string            `yaml:"group_warn_scam"`
	GroupSuspicious string            `yaml:"group_warn_suspicious"`
	GroupNone       string            `yaml:"group_check_none"`
	GroupType       string            `yaml:"group_type_line"`
	GroupCheckWith  string            `yaml:"group_check_with"`
	Roles           map[string]string `yaml:"roles"`
	Meanings        map[string]string `yaml:"meanings"`
}

// textsFile is texts.yaml: the frame per language, and which signals get a
// more specific meaning than their role.
type textsFile struct {
	SignalMeanings map[string]string `yaml:"signal_meanings"`
	Zh             texts             `yaml:"zh"`
	ZhHant         texts             `yaml:"zh-Hant"`
	En             texts             `yaml:"en"`
}

//go:embed texts.yaml
var textsYAML []byte

// Renderer builds replies from verdicts; safe for concurrent use.
type Renderer struct {
	catalog        *catalog.Catalog
	texts          map[string]texts
	signalMeanings map[string]string
	// htmlLimit is Telegram's message limit; tests lower it to exercise
	// the trimming.
	htmlLimit int
}

// New loads and checks the reply texts. An error means texts.yaml is broken,
// which the package tests catch before a build ships.
func New(cat *catalog.Catalog) (*Renderer, error) {
	var file textsFile
	if err := yaml.Unmarshal(textsYAML, &file); err != nil {
		return nil, fmt.Errorf("parse reply texts: %w", err)
	}
	all := map[string]texts{LangZh: file.Zh, LangZhHant: file.ZhHant, LangEn: file.En}
	for _, lang := range languages {
		if err := all[lang].complete(file.SignalMeanings); err != nil {
			return nil, fmt.Errorf("reply texts %s: %w", lang, err)
		}
	}
	return &Renderer{catalog: cat, texts: all, signalMeanings: file.SignalMeanings, htmlLimit: TelegramLimit}, nil
}

// complete reports the first missing piece of a language's frame.
func (t texts) complete(signalMeanings map[string]string) error {
	for name, value := range map[string]string{
		"headline_scam": t.HeadlineScam, "headline_suspicious": t.HeadlineSuspicious,
		"headline_none": t.HeadlineNone, "none_note": t.NoneNote, "type": t.Type, "why": t.Why, "explanation": t.Explanation,
		"next": t.Next, "payment_step": t.PaymentStep, "remember": t.Remember, "do_now": t.DoNow,
		"verify": t.Verify, "separator": t.Separator, "quote_open": t.QuoteOpen, "quote_close": t.QuoteClose,
		"group_warn_scam": t.GroupScam, "group_warn_suspicious": t.GroupSuspicious, "group_check_none": t.GroupNone,
		"group_type_line": t.GroupType, "group_check_with": t.GroupCheckWith,
	} {
		if strings.TrimSpace(value) == "" {
			return fmt.Errorf("%s is empty", name)
		}
	}
	if len(t.DoScam) == 0 || len(t.DoSuspicious) == 0 {
		return fmt.Errorf("do_scam or do_suspicious is empty")
	}
	for _, role := range quoteOrder {
		if t.Roles[string(role)] == "" {
			return fmt.Errorf("roles.%s is empty", role)
		}
	}
	for signal, meaning := range signalMeanings {
		if t.Meanings[meaning] == "" {
			return fmt.Errorf("meanings.%s (for signal %s) is empty", meaning, signal)
		}
	}
	return nil
}

// Options choose the reply's language and the user's region.
type Options struct {
	// Lang is "auto" or empty (the conversation's language), "zh", "zh-Hant"
	// or "en". Tags such as zh-TW or en-GB are accepted.
	Lang string
	// Region is an ISO 3166 alpha-2 code, or empty when unknown; it picks
	// the anti-fraud lines (see catalog.VerifyVia).
	Region string
}

// Reply is a rendered answer.
type Reply struct {
	// Lang is the language it is written in: zh, zh-Hant or en.
	Lang string
	// Text is the reply: plain text from Render, Telegram HTML from
	// RenderHTML.
	Text string
	// Verify are the official channels shown under "verify through".
	Verify []catalog.Verify
}

// Render writes the reply as plain text, for the CLI.
func (r *Renderer) Render(v classifier.Verdict, opts Options) Reply {
	m := r.compose(v, opts)
	return Reply{Lang: m.lang, Text: writePlain(m.blocks()), Verify: m.verify}
}

// TelegramLimit is the longest message Telegram accepts, in UTF-16 code
// units.
const TelegramLimit = 4096

// RenderHTML writes the reply as Telegram HTML (parse_mode HTML): every piece
// of text is escaped, and only <b>, <i> and <a href> are used. It fits in
// TelegramLimit, counted on the HTML source, which is never shorter than what
// Telegram counts. When too long it shortens the quoted phrases, then drops
// them, then the "remember" and "next" blocks; the advice and the channels
// to verify through are never cut.
func (r *Renderer) RenderHTML(v classifier.Verdict, opts Options) Reply {
	m := r.compose(v, opts)
	return Reply{Lang: m.lang, Text: fitHTML(m, r.htmlLimit), Verify: m.verify}
}

// message is everything a reply says, before it is written out.
type message struct {
	lang    string
	t       texts
	level   classifier.Level
	typeKey string // the scam type's name, empty when unknown
	// explanation is the LLM stage's sentence, cleaned; empty when none.
	explanation string
	quotes      []quote
	// next is what they will ask next (or, at the payment stage, what the
	// payment step looks like); nextLabel is its header.
	next      []string
	nextLabel string
	remember  string
	verify    []catalog.Verify
}

// quote is one phrase of the other party and what it means.
type quote struct {
	phrase  string
	meaning string
}

// maxQuotes bounds the "why" list: a reply is read on a phone.
const maxQuotes = 3

// maxQuoteRunes shortens a long quoted match.
const maxQuoteRunes = 40

// compose decides what the reply says.
func (r *Renderer) compose(v classifier.Verdict, opts Options) message {
	lang := replyLang(opts.Lang, v.Language)
	m := message{
		lang:   lang,
		t:      r.texts[lang],
		level:  v.Level,
		verify: r.catalog.VerifyVia(v.Brand, v.Type, lang, opts.Region),
	}
	if v.Level != classifier.LevelScam && v.Level != classifier.LevelSuspicious {
		return m // no known signs: say so, and where to check anyway
	}
	scamType, knownType := r.catalog.ScamType(v.Type)
	if knownType {
		m.typeKey = scamType.Names.In(lang)
		if never := scamType.NeverDoes.In(lang); len(never) > 0 {
			m.remember = never[0]
		}
	}
	m.explanation = cleanExplanation(v.Explanation)
	m.quotes = r.quotes(v, m.t)
	if v.Level == classifier.LevelScam && knownType {
		m.nextLabel, m.next = nextStep(scamType, v.Stage, lang, m.t)
	}
	return m
}

// replyLang picks zh, zh-Hant or en: the option when set, else the
// conversation's language.
func replyLang(option, conversation string) string {
	if option == "" || option == "auto" {
		return catalog.NormalizeLang(conversation)
	}
	return catalog.NormalizeLang(option)
}

// quoteOrder ranks roles by how much a quote of them helps the reader: the
// money move and the excuse for it first, the setting last.
var quoteOrder = []classifier.Role{
	classifier.RoleMoneyMove, classifier.RolePivot, classifier.RoleLink, classifier.RolePretext,
	classifier.RoleImpersonation, classifier.RoleLure, classifier.RolePressure,
	classifier.RoleCredibility, classifier.RoleAction,
}

// quotes picks up to maxQuotes of the other party's phrases, one per role in
// quoteOrder. Within a role a phrase with its own meaning wins, then the
// longer one, because "芝麻信用分太低" says more than "支付".
func (r *Renderer) quotes(v classifier.Verdict, t texts) []quote {
	var out []quote
	seen := map[string]bool{}
	for _, role := range quoteOrder {
		var best *classifier.Hit
		bestScore := 0
		for i := range v.Signals {
			h := &v.Signals[i]
			phrase := cleanQuote(h.Match)
			if h.Role != role || h.Act != classifier.ActAssert || h.Speaker == classifier.SpeakerUser || phrase == "" || seen[phrase] {
				continue
			}
			score := utf8.RuneCountInString(phrase)
			if r.signalMeanings[h.Signal] != "" {
				score += 1000
			}
			if score > bestScore {
				best, bestScore = h, score
			}
		}
		if best == nil {
			continue
		}
		phrase := cleanQuote(best.Match)
		seen[phrase] = true
		meaning := t.Meanings[r.signalMeanings[best.Signal]]
		if meaning == "" {
			meaning = t.Roles[string(role)]
		}
		out = append(out, quote{phrase: phrase, meaning: meaning})
		if len(out) == maxQuotes {
			break
		}
	}
	return out
}

// nextStep returns the header and lines of "what they will ask you next".
// The catalog's Next of a stage is written as the ask that follows it (open:
// "they will read out your order"), so the stage reached gives what comes
// after it. At the payment stage nothing follows: the reader is told what
// the payment step looks like, and what else they will ask for.
func nextStep(t catalog.ScamType, stage, lang string, frame texts) (string, []string) {
	if stage == catalog.StagePayment {
		st, _ := t.Stage(catalog.StagePayment)
		return frame.PaymentStep, []string{st.What.In(lang), st.Next.In(lang)}
	}
	st, ok := t.Stage(stage)
	if !ok {
		// the classifier saw a scam but no stage: the script's first ask
		st, _ = t.Stage(catalog.StageOpen)
	}
	return frame.Next, []string{st.Next.In(lang)}
}

// cleanQuote makes a match fit to quote: one line, no control or
// direction-changing characters (they could reorder the reply around the
// quote), at most maxQuoteRunes.
func cleanQuote(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	return shorten(strings.Join(strings.Fields(s), " "), maxQuoteRunes)
}

// maxExplanationRunes bounds the LLM's explanation: a sentence or two.
const maxExplanationRunes = 300

// cleanExplanation makes the LLM's explanation fit to show, like a quote:
// one line, no control or direction-changing characters, bounded. It is
// model output about text strangers wrote, so it is shown as text only.
func cleanExplanation(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	return shorten(strings.Join(strings.Fields(s), " "), maxExplanationRunes)
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}
