package reply

import (
	"html"
	"strings"
	"unicode/utf16"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
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

// blocks lays the message out: headline and type, the LLM's explanation, why, what they ask next,
// the counter-fact, what to do now, and the channels to verify through.
func (m message) blocks() []block {
	t := m.t
	var out []block
	switch m.level {
	case classifier.LevelScam, classifier.LevelSuspicious:
		head := block{title: t.HeadlineSuspicious}
		if m.level == classifier.LevelScam {
			head.title = t.HeadlineScam
		}
		if m.typeKey != "" {
			head.lines = []line{{spans: labelled(t.Type, m.typeKey)}}
		}
		out = append(out, head)
		if m.explanation != "" {
			out = append(out, block{lines: []line{{spans: labelled(t.Explanation, m.explanation)}}})
		}
	default:
		out = append(out, block{title: t.HeadlineNone, lines: []line{{spans: []span{text(t.NoneNote)}}}})
		return append(out, m.verifyBlock())
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
	return append(out, do, m.verifyBlock())
}

// verifyBlock lists the channels: name and value on the bullet, the note on
// the line below it.
func (m message) verifyBlock() block {
	b := block{title: m.t.Verify, bullets: true}
	for _, item := range m.verify {
		if item.Kind == catalog.VerifyAdvice {
			b.lines = append(b.lines, line{spans: []span{text(item.Value)}})
			continue
		}
		value := text(item.Value)
		if item.Kind == catalog.VerifyWeb {
			value.kind = linkSpan
		}
		var spans []span
		switch {
		case item.Name == "":
			spans = []span{value}
		case item.Kind == catalog.VerifyPhone && strings.Contains(item.Name, item.Value):
			spans = []span{bold(item.Name)} // "公安报警电话 110" already says the number
		default:
			spans = []span{bold(item.Name), text(m.t.Separator), value}
		}
		b.lines = append(b.lines, line{spans: spans})
		if item.Note != "" {
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

// fitHTML writes the message, giving up parts in a fixed order until it fits
// in limit: shorter quotes, fewer quotes, no counter-fact, no "next". The
// headline, what to do now and the channels are never given up; if they
// alone are too long (a catalog far beyond its bounds), whole lines are cut
// from the end so the HTML stays well-formed and Telegram still accepts it.
func fitHTML(m message, limit int) string {
	shrinks := []func(*message){
		func(m *message) {
			for i := range m.quotes {
				m.quotes[i].phrase = shorten(m.quotes[i].phrase, shortQuoteRunes)
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
	out := writeHTML(m.blocks())
	for _, shrink := range shrinks {
		if utf16Len(out) <= limit {
			return out
		}
		shrink(&m)
		out = writeHTML(m.blocks())
	}
	for utf16Len(out) > limit {
		cut := strings.LastIndexByte(out, '\n')
		if cut < 0 {
			return ""
		}
		out = out[:cut]
	}
	return out
}
