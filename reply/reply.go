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
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/internal/ellipsis"
	"github.com/scamguard/scamguard/region"
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
	HeadlineScam       string            `yaml:"headline_scam"`
	HeadlineSuspicious string            `yaml:"headline_suspicious"`
	HeadlineNone       string            `yaml:"headline_none"`
	NoneNote           string            `yaml:"none_note"`
	Type               string            `yaml:"type"`
	Why                string            `yaml:"why"`
	Explanation        string            `yaml:"explanation"`
	Next               string            `yaml:"next"`
	PaymentStep        string            `yaml:"payment_step"`
	Remember           string            `yaml:"remember"`
	DoNow              string            `yaml:"do_now"`
	Verify             string            `yaml:"verify"`
	Separator          string            `yaml:"separator"`
	QuoteOpen          string            `yaml:"quote_open"`
	QuoteClose         string            `yaml:"quote_close"`
	DoScam             []string          `yaml:"do_scam"`
	DoSuspicious       []string          `yaml:"do_suspicious"`
	Roles              map[string]string `yaml:"roles"`
	Meanings           map[string]string `yaml:"meanings"`
	// The short warning a family group hears (GroupWarning).
	GroupScam       string `yaml:"group_warn_scam"`
	GroupSuspicious string `yaml:"group_warn_suspicious"`
	GroupNone       string `yaml:"group_check_none"`
	GroupType       string `yaml:"group_type_line"`
	GroupCheckWith  string `yaml:"group_check_with"`

	// VerifyShort heads the one or two channels of the first screen.
	VerifyShort string `yaml:"verify_short"`
	// StopNow is the one thing to do now, by the meaning of the strongest
	// money move (meanings keys); StopNowScam and StopNowSuspicious when no
	// money move has its own.
	StopNow               map[string]string `yaml:"stop_now"`
	StopNowScam           string            `yaml:"stop_now_scam"`
	StopNowSuspicious     string            `yaml:"stop_now_suspicious"`
	HeadlineQuestionScam  string            `yaml:"headline_question_scam"`
	HeadlineQuestionKnown string            `yaml:"headline_question_known"`
	UpdateScam            string            `yaml:"update_scam"`
	UpdateSuspicious      string            `yaml:"update_suspicious"`
	UpdateNew             string            `yaml:"update_new"`
	UpdateNothingNew      string            `yaml:"update_nothing_new"`
	AfterLoss             afterLossTexts    `yaml:"after_loss"`
	Share                 shareTexts        `yaml:"share"`
	Greeting              greetingTexts     `yaml:"greeting"`
}

// shareTexts frame the card a user forwards to warn their family
// (ShareCard).
type shareTexts struct {
	Title    string `yaml:"title"`
	Next     string `yaml:"next"`
	Remember string `yaml:"remember"`
	Verify   string `yaml:"verify"`
	Footer   string `yaml:"footer"`
}

// afterLossTexts are the steps for someone who already paid, gave a code,
// bought cards or let them in. No numbers: those come from the catalogue.
type afterLossTexts struct {
	Headline string `yaml:"headline"`
	// Payment, Cards, Code and Screen are the first step for each loss kind
	// (intent.LossPayment, ...).
	Payment       string   `yaml:"payment"`
	Cards         string   `yaml:"cards"`
	Code          string   `yaml:"code"`
	Screen        string   `yaml:"screen"`
	Brand         string   `yaml:"brand"`
	Report        string   `yaml:"report"`
	ReportGeneric string   `yaml:"report_generic"`
	Evidence      string   `yaml:"evidence"`
	EvidenceLines []string `yaml:"evidence_lines"`
	Recovery      string   `yaml:"recovery"`
}

// greetingTexts tell someone who just says hello how to use the bot.
type greetingTexts struct {
	Title string   `yaml:"title"`
	Lines []string `yaml:"lines"`
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
	catalog *catalog.Catalog
	regions *region.Inferrer
	// texts holds the frame per reply language (zh, zh-Hant, en) as
	// written in texts.yaml, and per text language (zh-TW, zh-HK): the
	// Traditional frame in Taiwan's or Hong Kong's words (see textLang).
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
	for _, variant := range []string{catalog.HantTaiwan, catalog.HantHongKong} {
		localized, err := localizeTexts(file.ZhHant, variant)
		if err != nil {
			return nil, fmt.Errorf("reply texts zh-Hant in %s words: %w", variant, err)
		}
		all[catalog.HantTag(variant)] = localized
	}
	regions, err := region.New(cat)
	if err != nil {
		return nil, fmt.Errorf("region cues: %w", err)
	}
	return &Renderer{catalog: cat, regions: regions, texts: all, signalMeanings: file.SignalMeanings, htmlLimit: TelegramLimit}, nil
}

// allStrings returns every string of a frame, through YAML so that no
// field is forgotten.
func allStrings(t texts) ([]string, error) {
	data, err := yaml.Marshal(t)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return nil, err
	}
	var out []string
	var walk func(any)
	walk = func(node any) {
		switch n := node.(type) {
		case string:
			out = append(out, n)
		case []any:
			for _, item := range n {
				walk(item)
			}
		case map[string]any:
			for _, item := range n {
				walk(item)
			}
		}
	}
	walk(tree)
	return out, nil
}

// localizeTexts rewrites every string of a Traditional frame in a region's
// vocabulary. Going through YAML touches every field, so a new text cannot
// be forgotten; the keys are ASCII and stay as they are.
func localizeTexts(t texts, variant string) (texts, error) {
	data, err := yaml.Marshal(t)
	if err != nil {
		return texts{}, err
	}
	var out texts
	if err := yaml.Unmarshal([]byte(catalog.LocalizeHant(string(data), variant)), &out); err != nil {
		return texts{}, err
	}
	return out, nil
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
	for name, value := range map[string]string{
		"verify_short": t.VerifyShort, "stop_now_scam": t.StopNowScam,
		"stop_now_suspicious": t.StopNowSuspicious, "headline_question_scam": t.HeadlineQuestionScam,
		"headline_question_known": t.HeadlineQuestionKnown, "update_scam": t.UpdateScam,
		"update_suspicious": t.UpdateSuspicious, "update_new": t.UpdateNew, "update_nothing_new": t.UpdateNothingNew,
		"after_loss.headline": t.AfterLoss.Headline, "after_loss.payment": t.AfterLoss.Payment,
		"after_loss.cards": t.AfterLoss.Cards, "after_loss.code": t.AfterLoss.Code, "after_loss.screen": t.AfterLoss.Screen,
		"after_loss.brand": t.AfterLoss.Brand, "after_loss.report": t.AfterLoss.Report,
		"after_loss.report_generic": t.AfterLoss.ReportGeneric, "after_loss.evidence": t.AfterLoss.Evidence,
		"after_loss.recovery": t.AfterLoss.Recovery, "greeting.title": t.Greeting.Title,
		"share.title": t.Share.Title, "share.next": t.Share.Next, "share.remember": t.Share.Remember,
		"share.verify": t.Share.Verify, "share.footer": t.Share.Footer,
	} {
		if strings.TrimSpace(value) == "" {
			return fmt.Errorf("%s is empty", name)
		}
	}
	if len(t.DoScam) == 0 || len(t.DoSuspicious) == 0 || len(t.AfterLoss.EvidenceLines) == 0 || len(t.Greeting.Lines) == 0 {
		return fmt.Errorf("do_scam, do_suspicious, after_loss.evidence_lines or greeting.lines is empty")
	}
	for meaning := range t.StopNow {
		if t.Meanings[meaning] == "" {
			return fmt.Errorf("stop_now.%s is no key of meanings", meaning)
		}
	}
	all, err := allStrings(t)
	if err != nil {
		return fmt.Errorf("read back the texts: %w", err)
	}
	for _, number := range digitRuns.FindAllString(strings.Join(all, "\n"), -1) {
		if len(strings.NewReplacer(" ", "", "-", "").Replace(number)) >= 3 {
			return fmt.Errorf("the text %q has a number; numbers come from the catalogue's verified channels", number)
		}
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

// digitRuns finds numbers as phone numbers are written ("0300 123 2040").
var digitRuns = regexp.MustCompile(`\d(?:[- ]?\d)*`)

// Options choose the reply's language and the user's region.
type Options struct {
	// Lang is "auto" or empty (the conversation's language), "zh", "zh-Hant"
	// or "en". Tags such as zh-TW or en-GB are accepted; zh-TW and zh-HK
	// also pick Taiwan's or Hong Kong's words.
	Lang string
	// Region is the user's region, ISO 3166 alpha-2: their setting, or a
	// guess the caller trusts (region.Guess.Usable). Empty: the reply guesses
	// from the verdict alone (the brand's region, the script) and, when that
	// guess is weak, shows no region's lines — only the brand's own channel
	// and advice that holds anywhere.
	Region string
	// RegionFinal says Region is the caller's decision even when empty: the
	// caller weighed everything it knows (the bot: the setting, Telegram's
	// language_code, the conversation) and found no usable guess. The reply
	// then shows no region's lines, instead of guessing again from the
	// verdict alone, which would overrule the user's own language (a
	// Traditional-Chinese user forwarding a Simplified script is not on the
	// mainland for that).
	RegionFinal bool
}

// Format is how a reply is written.
type Format int

// The two formats: plain text for the CLI, Telegram HTML for the bot.
const (
	Plain Format = iota
	HTML
)

// Reply is a rendered answer.
type Reply struct {
	// Lang is the language it is written in: zh, zh-Hant or en.
	Lang string
	// Text is the whole reply: Short, then More after a blank line.
	Text string
	// Short is the first screen of a warning (at most eight lines on a
	// phone): the verdict, the one thing to do now and the channel to verify
	// through. For other replies it is the whole reply.
	Short string
	// More is what a "why / more" button adds under Short: why, what they
	// will ask next, every step and every channel; empty when there is
	// nothing more.
	More string
	// Verify are the official channels the reply shows.
	Verify []catalog.Verify
	// Region is the region the reply was written for; empty when unknown.
	Region string
}

// Render writes the reply as plain text, for the CLI.
func (r *Renderer) Render(v classifier.Verdict, opts Options) Reply {
	return r.Verdict(v, opts, Plain)
}

// TelegramLimit is the longest message Telegram accepts, in UTF-16 code
// units.
const TelegramLimit = 4096

// RenderHTML writes the reply as Telegram HTML (parse_mode HTML): every piece
// of text is escaped, and only <b>, <i> and <a href> are used. It fits in
// TelegramLimit, counted on the HTML source, which is never shorter than what
// Telegram counts. When too long it shortens the quoted phrases, then drops
// them, then the "remember" and "next" blocks; the first screen, the advice
// and the channels to verify through are never cut.
func (r *Renderer) RenderHTML(v classifier.Verdict, opts Options) Reply {
	return r.Verdict(v, opts, HTML)
}

// Verdict writes the reply to a verdict in a format: Render and RenderHTML.
func (r *Renderer) Verdict(v classifier.Verdict, opts Options, format Format) Reply {
	m := r.compose(v, opts)
	short, more := m.write(format, r.htmlLimit)
	return m.reply(short, more)
}

// message is everything a reply says, before it is written out.
type message struct {
	lang string
	// textLang is the key of t: lang, or zh-TW / zh-HK for Traditional.
	textLang string
	region   string
	t        texts
	level    classifier.Level
	// headline overrides the level's headline (a question, an update).
	headline string
	typeKey  string // the scam type's name, empty when unknown
	// stopNow is the one thing to do now, on the first screen.
	stopNow string
	// explanation is the LLM stage's sentence, cleaned; empty when none.
	explanation string
	quotes      []quote
	// next is what they will ask next (or, at the payment stage, what the
	// payment step looks like); nextLabel is its header.
	next      []string
	nextLabel string
	remember  string
	verify    []catalog.Verify
	// custom, when set, is the whole reply as blocks (greeting, after the
	// loss, update): no first-screen split and nothing to shrink.
	custom []block
}

// reply packs written text into a Reply.
func (m message) reply(short, more string) Reply {
	text := short
	if more != "" {
		text = short + "\n\n" + more
	}
	return Reply{Lang: m.lang, Text: text, Short: short, More: more, Verify: m.verify, Region: m.region}
}

// quote is one phrase of the other party and what it means.
type quote struct {
	phrase  string
	meaning string
	signal  string
}

// maxQuotes bounds the "why" list: a reply is read on a phone.
const maxQuotes = 3

// maxQuoteRunes shortens a long quoted match.
const maxQuoteRunes = 40

// audience is who a reply is for: its language, the vocabulary of its
// Traditional texts, and the region whose channels it may show.
type audience struct {
	lang, textLang, region string
	// allowed are the regions whose names a catalogue sentence may carry:
	// the user's and the impersonated brand's.
	allowed []string
}

// audienceFor decides the language and region of a reply. The region is
// the option, else a usable guess from what the verdict knows (see
// Options.Region).
func (r *Renderer) audienceFor(v classifier.Verdict, opts Options) audience {
	lang := replyLang(opts.Lang, v.Language)
	userRegion := catalog.NormalizeRegion(opts.Region)
	if userRegion == "" && !opts.RegionFinal {
		evidence := region.Evidence{Script: v.Language}
		if v.Brand != "" {
			evidence.Brands = []string{v.Brand}
		}
		if g := r.regions.Infer(evidence); g.Usable() {
			userRegion = g.Region
		}
	}
	a := audience{lang: lang, textLang: lang, region: userRegion}
	if lang == LangZhHant {
		tagOrLang := opts.Lang
		if tagOrLang == "" || tagOrLang == "auto" {
			tagOrLang = v.Language
		}
		a.textLang = catalog.HantTag(catalog.HantVariant(tagOrLang, userRegion))
	}
	if userRegion != "" {
		a.allowed = append(a.allowed, userRegion)
	}
	if b, ok := r.catalog.Brand(v.Brand); ok && b.Region != userRegion {
		a.allowed = append(a.allowed, b.Region)
	}
	return a
}

// fits reports whether a catalogue sentence names nothing of a region the
// reader is not in and the brand is not from.
func (r *Renderer) fits(a audience, text string) bool {
	_, foreign := r.catalog.NamesOtherRegion(text, a.allowed...)
	return !foreign
}

// compose decides what the reply says.
func (r *Renderer) compose(v classifier.Verdict, opts Options) message {
	a := r.audienceFor(v, opts)
	m := message{
		lang:     a.lang,
		textLang: a.textLang,
		region:   a.region,
		t:        r.texts[a.textLang],
		level:    v.Level,
		verify:   r.catalog.VerifyIn(v.Brand, v.Type, a.textLang, a.region),
	}
	scamType, knownType := r.catalog.ScamType(v.Type)
	question := v.Frame == classifier.FrameQuestion
	switch {
	case v.Level == classifier.LevelScam || v.Level == classifier.LevelSuspicious:
		if question {
			m.headline = m.t.HeadlineQuestionScam
		}
	case question && knownType:
		// Someone asks about a script they were told: name it, and answer
		// as for a suspicious conversation.
		m.level, m.headline = classifier.LevelSuspicious, m.t.HeadlineQuestionKnown
	default:
		return m // no known signs: say so, and where to check anyway
	}
	if knownType {
		m.typeKey = scamType.Names.In(a.textLang)
		m.remember = r.catalog.NeverDoesFor(v.Type, a.textLang, a.allowed...)
	}
	m.explanation = cleanExplanation(v.Explanation)
	m.quotes = r.quotes(v, m.t)
	m.stopNow = r.stopNow(v, m.t, m.level)
	if m.level == classifier.LevelScam && knownType || question && knownType {
		m.nextLabel, m.next = nextStep(scamType, v.Stage, a.textLang, m.t)
		for _, line := range m.next {
			if !r.fits(a, line) {
				m.nextLabel, m.next = "", nil // a step about another country's brand misleads more than it helps
				break
			}
		}
	}
	return m
}

// stopNow picks the one thing to do now: the advice for the strongest money
// move the other party asked for, else the level's general advice.
func (r *Renderer) stopNow(v classifier.Verdict, t texts, level classifier.Level) string {
	var best *classifier.Hit
	for i := range v.Signals {
		h := &v.Signals[i]
		if h.Role != classifier.RoleMoneyMove || h.Act != classifier.ActAssert || h.Speaker == classifier.SpeakerUser {
			continue
		}
		if t.StopNow[r.signalMeanings[h.Signal]] == "" {
			continue
		}
		if best == nil || h.Weight > best.Weight {
			best = h
		}
	}
	if best != nil {
		return t.StopNow[r.signalMeanings[best.Signal]]
	}
	if level == classifier.LevelScam {
		return t.StopNowScam
	}
	return t.StopNowSuspicious
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
		out = append(out, quote{phrase: phrase, meaning: meaning, signal: best.Signal})
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
	return ellipsis.Cut(strings.Join(strings.Fields(s), " "), maxQuoteRunes)
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
	return ellipsis.Cut(strings.Join(strings.Fields(s), " "), maxExplanationRunes)
}
