package reply

import (
	"slices"
	"strings"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/intent"
)

// IsUpdate reports whether next, a later verdict on the same conversation,
// deserves only a short update (Update) rather than the whole reply: it is a
// warning at the level the user already heard, about the same scam type. A
// rise, a new type or a first warning gets the whole reply.
func IsUpdate(prev, next classifier.Verdict) bool {
	warning := next.Level == classifier.LevelScam || next.Level == classifier.LevelSuspicious
	return warning && next.Level == prev.Level && (prev.Type == "" || next.Type == prev.Type)
}

// maxUpdateQuotes bounds what an update quotes: it is a nudge, not a reply.
const maxUpdateQuotes = 2

// Update writes the short note for a later burst at the same level (see
// IsUpdate): "still a scam", then "new:" and what the other party asks for
// that they had not asked before, quoted, then the one thing to do now. With
// nothing new it says so in one line. It fits the first screen as well.
func (r *Renderer) Update(prev, next classifier.Verdict, opts Options, format Format) Reply {
	m := r.compose(next, opts)
	t := m.t
	title := t.UpdateSuspicious
	if next.Level == classifier.LevelScam {
		title = t.UpdateScam
	}
	seen := map[string]bool{}
	for _, h := range prev.Signals {
		seen[h.Signal] = true
		seen[cleanQuote(h.Match)] = true
	}
	fresh := next
	fresh.Signals = slices.DeleteFunc(slices.Clone(next.Signals), func(h classifier.Hit) bool {
		return seen[h.Signal] || seen[cleanQuote(h.Match)]
	})
	quotes := r.quotes(fresh, t)
	if len(quotes) > maxUpdateQuotes {
		quotes = quotes[:maxUpdateQuotes]
	}
	update := block{title: title}
	if len(quotes) == 0 {
		update.lines = []line{{spans: []span{text(t.UpdateNothingNew)}}}
	}
	for _, q := range quotes {
		update.lines = append(update.lines, line{spans: append(labelled(t.UpdateNew, t.QuoteOpen),
			span{kind: quoteSpan, text: q.phrase}, text(t.QuoteClose))})
	}
	if len(quotes) > 0 {
		update.lines = append(update.lines, line{spans: []span{text("👉 " + r.stopNow(fresh, t, next.Level))}})
	}
	m.custom = []block{update}
	m.verify = nil // the channels were in the reply this updates
	short, more := m.write(format, r.htmlLimit)
	return m.reply(short, more)
}

// lossOrder is the order of the steps after a loss: stop the money that can
// still be stopped first.
var lossOrder = []string{intent.LossPayment, intent.LossCards, intent.LossCode, intent.LossScreen}

// lossByMeaning is which loss a demanded money move leads to, for the "I
// already did it" button, where the user does not say what they did.
var lossByMeaning = map[string]string{
	"gift_card": intent.LossCards, "code": intent.LossCode, "card_password": intent.LossCode,
	"screen_share": intent.LossScreen, "remote_app": intent.LossScreen,
	"safe_account": intent.LossPayment, "borrow": intent.LossPayment, "fee_first": intent.LossPayment,
	"turnover": intent.LossPayment, "clear_limit": intent.LossPayment, "withdraw_blocked": intent.LossPayment,
}

// AfterLoss writes what to do for someone who already paid, gave a code,
// bought the cards or let them onto their phone: the step that stops each
// loss (the bank, the card issuer, the passwords), the impersonated
// brand's own channel, where to report it in their region (numbers from the
// catalogue's verified report lines only; a region without them gets the
// step without a number), and what evidence to keep.
//
// loss is what the user said (intent.Reader.Loss); when it names nothing
// (the "I already did it" button), the steps follow what the verdict's
// other party asked for, else payment and code. v is the conversation's
// verdict so far, for the brand, the language and the region; it may be
// empty.
func (r *Renderer) AfterLoss(loss intent.Loss, v classifier.Verdict, opts Options, format Format) Reply {
	a := r.audienceFor(v, opts)
	t := r.texts[a.textLang]
	kinds := loss.Kinds
	if len(kinds) == 0 {
		for _, h := range v.Signals {
			if kind := lossByMeaning[r.signalMeanings[h.Signal]]; kind != "" && h.Role == classifier.RoleMoneyMove && h.Speaker != classifier.SpeakerUser && !slices.Contains(kinds, kind) {
				kinds = append(kinds, kind)
			}
		}
	}
	if len(kinds) == 0 {
		kinds = []string{intent.LossPayment, intent.LossCode}
	}
	stepText := map[string]string{
		intent.LossPayment: t.AfterLoss.Payment, intent.LossCards: t.AfterLoss.Cards,
		intent.LossCode: t.AfterLoss.Code, intent.LossScreen: t.AfterLoss.Screen,
	}
	steps := block{title: t.AfterLoss.Headline, bullets: true}
	for _, kind := range lossOrder {
		if slices.Contains(kinds, kind) {
			steps.lines = append(steps.lines, line{spans: []span{text(stepText[kind])}})
		}
	}
	blocks := []block{steps}
	var shown []catalog.Verify
	if _, ok := r.catalog.Brand(v.Brand); ok {
		brand := block{title: t.AfterLoss.Brand, bullets: true}
		for _, item := range r.catalog.VerifyIn(v.Brand, "", a.textLang, "") {
			if item.BrandID == v.Brand {
				brand.lines = append(brand.lines, line{spans: channelSpans(item, t)})
				shown = append(shown, item)
			}
		}
		if len(brand.lines) > 0 {
			blocks = append(blocks, brand)
		}
	}
	report := block{title: t.AfterLoss.Report, bullets: true}
	reportLines := r.catalog.ReportVia(a.textLang, a.region)
	report.lines = groupedChannels(reportLines, t)
	if len(reportLines) == 0 {
		report.lines = []line{{spans: []span{text(t.AfterLoss.ReportGeneric)}}}
	}
	evidence := block{title: t.AfterLoss.Evidence, bullets: true}
	for _, s := range t.AfterLoss.EvidenceLines {
		evidence.lines = append(evidence.lines, line{spans: []span{text(s)}})
	}
	blocks = append(blocks, report, evidence, block{lines: []line{{spans: []span{text(t.AfterLoss.Recovery)}}}})
	m := message{lang: a.lang, textLang: a.textLang, region: a.region, t: t, custom: blocks, verify: append(shown, reportLines...)}
	short, more := m.write(format, r.htmlLimit)
	return m.reply(short, more)
}

// Greeting writes how to use the bot, for someone who says "你好" or "hi"
// (intent.Reader.IsGreeting). opts.Lang is the user's language: their
// setting, else their Telegram language_code, else the greeting's script.
func (r *Renderer) Greeting(opts Options, format Format) Reply {
	a := r.audienceFor(classifier.Verdict{}, opts)
	t := r.texts[a.textLang]
	hello := block{title: t.Greeting.Title, bullets: true}
	for _, s := range t.Greeting.Lines {
		hello.lines = append(hello.lines, line{spans: []span{text(s)}})
	}
	m := message{lang: a.lang, textLang: a.textLang, region: a.region, t: t, custom: []block{hello}}
	short, more := m.write(format, r.htmlLimit)
	return m.reply(short, more)
}

// groupedChannels writes channels one line per organisation: its name once,
// then every number and address ("165 反詐騙諮詢專線：https://165.npa.gov.tw/ ·
// 110"), leaving out a number the name already says.
func groupedChannels(items []catalog.Verify, t texts) []line {
	var out []line
	for i := 0; i < len(items); {
		name := items[i].Name
		spans := []span{bold(name)}
		values := 0
		for ; i < len(items) && items[i].Name == name; i++ {
			item := items[i]
			if item.Kind == catalog.VerifyPhone && strings.Contains(name, item.Value) {
				continue
			}
			separator := " · "
			if values == 0 {
				separator = t.Separator
			}
			value := text(item.Value)
			if item.Kind == catalog.VerifyWeb {
				value.kind = linkSpan
			}
			spans = append(spans, text(separator), value)
			values++
		}
		out = append(out, line{spans: spans})
	}
	return out
}
