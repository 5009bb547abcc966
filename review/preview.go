package review

import (
	"html"
	"net/url"
	"strings"

	"github.com/scamguard/scamguard/internal/ellipsis"
)

// previewSpan is a piece of the reply the user got, as the console shows
// it: text with the formatting Telegram showed (bold, italic, a link).
// The template escapes Text and Href, so nothing in a case reaches the
// page as markup.
type previewSpan struct {
	Text         string
	Bold, Italic bool
	Href         string
}

// previewOf reads a reply in Telegram's HTML (the bot's replies use <b>,
// <i> and <a href>, with everything else escaped) back into spans, so the
// console shows it as the user saw it rather than with its tags. Any other
// tag is shown as the text it is; a link other than http(s) keeps its text
// and loses the link.
func previewOf(telegramHTML string) []previewSpan {
	var out []previewSpan
	var bold, italic int
	href := ""
	add := func(text string) {
		if text == "" {
			return
		}
		span := previewSpan{Text: html.UnescapeString(text), Bold: bold > 0, Italic: italic > 0, Href: href}
		if n := len(out); n > 0 && out[n-1].Bold == span.Bold && out[n-1].Italic == span.Italic && out[n-1].Href == span.Href {
			out[n-1].Text += span.Text
			return
		}
		out = append(out, span)
	}
	rest := telegramHTML
	for rest != "" {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			add(rest)
			break
		}
		add(rest[:i])
		end := strings.IndexByte(rest[i:], '>')
		if end < 0 {
			add(rest[i:])
			break
		}
		tag := rest[i : i+end+1]
		rest = rest[i+end+1:]
		switch {
		case tag == "<b>":
			bold++
		case tag == "</b>":
			bold = max(0, bold-1)
		case tag == "<i>":
			italic++
		case tag == "</i>":
			italic = max(0, italic-1)
		case tag == "</a>":
			href = ""
		case strings.HasPrefix(tag, `<a href="`) && strings.HasSuffix(tag, `">`):
			href = webLink(html.UnescapeString(tag[len(`<a href="`) : len(tag)-2]))
		default:
			add(html.EscapeString(tag)) // not ours: shown as written
		}
	}
	return out
}

// webLink keeps an http(s) address and drops anything else (tg://, javascript:).
func webLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}

// ReplyPreview is the start of the reply the user got, as plain text (its
// formatting dropped, its lines joined with " / "), at most maxRunes: a
// moderator's card shows what the user read without the tags.
func ReplyPreview(c Case, maxRunes int) string {
	var sb strings.Builder
	for _, span := range previewOf(c.Reply) {
		sb.WriteString(span.Text)
	}
	lines := strings.FieldsFunc(sb.String(), func(r rune) bool { return r == '\n' })
	return ellipsis.Cut(strings.Join(lines, " / "), maxRunes)
}
