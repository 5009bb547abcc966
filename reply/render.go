package reply

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/internal/ellipsis"
)

// spanKind says how a piece of text is shown; the writers map it to plain
// text or to an HTML tag.
type spanKind int

const (
	plainSpan spanKind = iota
	boldSpan
	// quoteSpan is the other party's own words (italic in HTML).
	quoteSpan
	// linkSpan is an official web address from the catalog.
	linkSpan
)

type span struct {
	kind spanKind
	text string
}

// line is one line of a block. A continuation line belongs to the bullet
// above it (the note under a channel) and is indented instead of bulleted.
type line struct {
	spans        []span
	continuation bool
}

// block is one paragraph of a reply: an optional bold title, then lines.
type block struct {
	title   string
	lines   []line
	bullets bool
}

func text(s string) span { return span{kind: plainSpan, text: s} }
func bold(s string) span { return span{kind: boldSpan, text: s} }

// labelled is a bold label and its value on one line. A full-width colon
// ends a Chinese label and needs no space after it.
func labelled(label, value string) []span {
	if !strings.HasSuffix(label, "：") {
		value = " " + value
	}
	return []span{bold(label), text(value)}
}

// The first screen of a warning must fit a phone without scrolling, the
// buttons below it included: at most maxShortLines lines of phoneColumns
// columns (a Chinese character or an emoji takes two), the width of a
// Telegram message bubble on a common phone at the default text size.
const (
	maxShortLines = 8
	phoneColumns  = 40
)

// maxShortVerify is how many channels the first screen shows at most: the
// brand's own and the region's anti-fraud line, when they fit.
const maxShortVerify = 2

// shortBlocks lay out the first screen: the headline, the scam type, the
// one thing to do now, and the first channels, one line each (see
// firstScreenLayout). A reply with no known signs is short as a whole.
func (m message) shortBlocks() []block {
	if m.custom != nil {
		return m.custom
	}
	if !m.warns() {
		return []block{{title: m.t.HeadlineNone, lines: []line{{spans: []span{text(m.t.NoneNote)}}}}, m.verifyBlock(m.verify)}
	}
	return m.firstScreen(m.firstScreenLayout())
}

// warns reports whether the message is a warning (scam or suspicious).
func (m message) warns() bool {
	return m.custom == nil && (m.level == classifier.LevelScam || m.level == classifier.LevelSuspicious)
}

// screenLayout is what the first screen holds besides the headline and the
// thing to do now.
type screenLayout struct {
	channels  int
	withType  bool // the scam type's name; else it opens More
	withLabel bool // "check yourself, never with their number"
}

// firstScreenLayout gives things up until the first screen fits
// maxShortLines: the second channel, then the type's name (it moves to the
// top of More), then the label above the channel. The last layout always
// fits: a headline, one step and one channel.
func (m message) firstScreenLayout() screenLayout {
	channels := min(maxShortVerify, len(m.verify))
	layouts := []screenLayout{{channels, true, true}}
	if channels > 1 {
		layouts = append(layouts, screenLayout{1, true, true})
	}
	one := min(1, channels)
	layouts = append(layouts, screenLayout{one, false, true}, screenLayout{one, false, false})
	for _, layout := range layouts {
		if phoneLines(writePlain(m.firstScreen(layout))) <= maxShortLines {
			return layout
		}
	}
	return layouts[len(layouts)-1]
}

// firstScreen is the first screen in a layout.
func (m message) firstScreen(layout screenLayout) []block {
	t := m.t
	head := block{title: m.headline}
	if head.title == "" {
		head.title = t.HeadlineSuspicious
		if m.level == classifier.LevelScam {
			head.title = t.HeadlineScam
		}
	}
	if m.typeKey != "" && layout.withType {
		head.lines = append(head.lines, line{spans: []span{text(m.typeKey)}})
	}
	if m.stopNow != "" {
		head.lines = append(head.lines, line{spans: []span{text("👉 " + m.stopNow)}})
	}
	if layout.channels > 0 && layout.withLabel {
		head.lines = append(head.lines, line{spans: []span{bold(t.VerifyShort)}})
	}
	for _, item := range m.verify[:layout.channels] {
		head.lines = append(head.lines, line{spans: append([]span{text("☎️ ")}, channelSpans(item, t)...)})
	}
	return []block{head}
}

// phoneLines is how many lines text takes on a phone (see maxShortLines).
func phoneLines(text string) int {
	lines := 0
	for _, l := range strings.Split(text, "\n") {
		columns := 0
		for _, r := range l {
			columns += runeColumns(r)
		}
		lines += max(1, (columns+phoneColumns-1)/phoneColumns)
	}
	return lines
}

// runeColumns is the width of a character: two for Chinese, full-width
// forms and emoji, none for joiners and variation selectors, else one.
func runeColumns(r rune) int {
	switch {
	case r == 0x200D || r >= 0xFE00 && r <= 0xFE0F:
		return 0
	case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF60, r >= 0x1F000, r >= 0x2600 && r <= 0x27BF:
		return 2
	}
	return 1
}

// moreBlocks lay out what the "why / more" button adds: the LLM's
// explanation, why, what they ask next, the counter-fact, every step, and the
// channels the first screen had no room for, with their notes.
func (m message) moreBlocks() []block {
	t := m.t
	if !m.warns() {
		return nil
	}
	layout := m.firstScreenLayout()
	var out []block
	if m.typeKey != "" && !layout.withType {
		out = append(out, block{lines: []line{{spans: labelled(t.Type, m.typeKey)}}})
	}
	if m.explanation != "" {
		out = append(out, block{lines: []line{{spans: labelled(t.Explanation, m.explanation)}}})
	}
	if len(m.quotes) > 0 {
		why := block{title: t.Why, bullets: true}
		for _, q := range m.quotes {
			why.lines = append(why.lines, line{spans: []span{
				text(t.QuoteOpen), {kind: quoteSpan, text: q.phrase}, text(t.QuoteClose + " — " + q.meaning),
			}})
		}
		out = append(out, why)
	}
	if len(m.next) > 0 {
		next := block{title: m.nextLabel}
		for _, s := range m.next {
			next.lines = append(next.lines, line{spans: []span{text(s)}})
		}
		out = append(out, next)
	}
	if m.remember != "" {
		out = append(out, block{lines: []line{{spans: labelled(t.Remember, m.remember)}}})
	}
	steps := t.DoSuspicious
	if m.level == classifier.LevelScam {
		steps = t.DoScam
	}
	do := block{title: t.DoNow, bullets: true}
	for _, s := range steps {
		do.lines = append(do.lines, line{spans: []span{text(s)}})
	}
	out = append(out, do)
	// The first screen showed its channels without their notes; here come
	// the notes and the channels it had no room for, each number once.
	var notes []catalog.Verify
	shown := layout.channels
	for i, item := range m.verify {
		switch {
		case i >= shown:
			notes = append(notes, item)
		case item.Note != "" && item.Kind != catalog.VerifyAdvice:
			notes = append(notes, catalog.Verify{Kind: catalog.VerifyAdvice, Value: item.Note})
		}
	}
	if len(notes) > 0 {
		out = append(out, m.verifyBlock(notes))
	}
	return out
}

// channelSpans writes one channel: name and value, or the name alone when
// it already says the number ("公安报警电话 110"), so a number is never
// printed twice, or the value alone.
func channelSpans(item catalog.Verify, t texts) []span {
	if item.Kind == catalog.VerifyAdvice {
		return []span{text(item.Value)}
	}
	value := text(item.Value)
	if item.Kind == catalog.VerifyWeb {
		value.kind = linkSpan
	}
	switch {
	case item.Name == "":
		return []span{value}
	case item.Kind == catalog.VerifyPhone && strings.Contains(item.Name, item.Value):
		return []span{bold(item.Name)}
	}
	return []span{bold(item.Name), text(t.Separator), value}
}

// verifyBlock lists the channels: name and value on the bullet, the note on
// the line below it.
func (m message) verifyBlock(items []catalog.Verify) block {
	b := block{title: m.t.Verify, bullets: true}
	for _, item := range items {
		b.lines = append(b.lines, line{spans: channelSpans(item, m.t)})
		if item.Note != "" && item.Kind != catalog.VerifyAdvice {
			b.lines = append(b.lines, line{spans: []span{text(item.Note)}, continuation: true})
		}
	}
	return b
}

// writePlain writes blocks as plain text: a blank line between blocks.
func writePlain(blocks []block) string {
	return write(blocks, func(title string) string { return title }, func(s span) string { return s.text })
}

// writeHTML writes blocks as Telegram HTML. Every text is escaped; a tag
// never spans lines, so the output can be cut between lines.
func writeHTML(blocks []block) string {
	return write(blocks, func(title string) string { return "<b>" + html.EscapeString(title) + "</b>" }, spanHTML)
}

// write lays blocks out, one line per line and a blank line between blocks;
// the two formats differ only in how a title and a span are written.
func write(blocks []block, title func(string) string, spanText func(span) string) string {
	var b strings.Builder
	for i, bl := range blocks {
		if i > 0 {
			b.WriteString("\n")
		}
		if bl.title != "" {
			b.WriteString(title(bl.title) + "\n")
		}
		for _, l := range bl.lines {
			b.WriteString(linePrefix(bl, l))
			for _, s := range l.spans {
				b.WriteString(spanText(s))
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func linePrefix(bl block, l line) string {
	switch {
	case l.continuation:
		return "  "
	case bl.bullets:
		return "• "
	}
	return ""
}

func spanHTML(s span) string {
	escaped := html.EscapeString(s.text)
	switch s.kind {
	case boldSpan:
		return "<b>" + escaped + "</b>"
	case quoteSpan:
		return "<i>" + escaped + "</i>"
	case linkSpan:
		// Only the catalog's own web addresses become links; anything else
		// stays text, so a value can never smuggle in another scheme.
		if strings.HasPrefix(s.text, "https://") || strings.HasPrefix(s.text, "http://") {
			return `<a href="` + escaped + `">` + escaped + "</a>"
		}
	}
	return escaped
}

// utf16Len is the length Telegram limits: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// shortQuoteRunes is how far quotes are cut before they are dropped.
const shortQuoteRunes = 12

// write writes the first screen and the rest in a format. In HTML the whole
// fits in limit: the rest gives up parts in a fixed order (shorter quotes,
// fewer quotes, no explanation, no counter-fact, no "next"); the first
// screen, what to do now and the channels are never given up. If they alone
// are too long (a catalogue far beyond its bounds), whole lines are cut from
// the end so the HTML stays well-formed and Telegram still accepts it.
func (m message) write(format Format, limit int) (short, more string) {
	if format == Plain {
		return writePlain(m.shortBlocks()), writePlain(m.moreBlocks())
	}
	short = writeHTML(m.shortBlocks())
	room := limit - utf16Len(short) - 2 // the blank line between them
	shrinks := []func(*message){
		func(m *message) {
			for i := range m.quotes {
				m.quotes[i].phrase = ellipsis.Cut(m.quotes[i].phrase, shortQuoteRunes)
			}
		},
	}
	for range m.quotes {
		shrinks = append(shrinks, func(m *message) { m.quotes = m.quotes[:len(m.quotes)-1] })
	}
	shrinks = append(shrinks,
		func(m *message) { m.explanation = "" },
		func(m *message) { m.remember = "" },
		func(m *message) { m.next = nil },
	)
	m.quotes = append([]quote(nil), m.quotes...) // shrinking must not touch the caller's slice
	more = writeHTML(m.moreBlocks())
	for _, shrink := range shrinks {
		if utf16Len(more) <= room {
			return short, more
		}
		shrink(&m)
		more = writeHTML(m.moreBlocks())
	}
	for utf16Len(more) > room && more != "" {
		cut := strings.LastIndexByte(more, '\n')
		if cut < 0 {
			cut = 0
		}
		more = more[:cut]
	}
	for utf16Len(short) > limit {
		cut := strings.LastIndexByte(short, '\n')
		if cut < 0 {
			return "", ""
		}
		short = short[:cut]
	}
	return short, more
}
