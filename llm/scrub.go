package llm

import (
	"regexp"

	"github.com/scamguard/scamguard/redact"
)

// Placeholders that scrub adds to redact's.
const (
	placeholderHandle = "[handle]"
	placeholderLink   = "[link]"
)

var (
	handlePattern = regexp.MustCompile(`@[A-Za-z0-9_]{4,32}`)
	// urlPattern finds links; the path and query (tokens, order ids,
	// tracking codes) are dropped and the host kept, because a look-alike
	// host is evidence.
	urlPattern = regexp.MustCompile(`(?i)\b((?:https?://|www\.)[^\s/?#<>"'，。）]+)[^\s<>"'，。）]*`)
)

// scrub removes what identifies or reaches a person before text leaves for
// the LLM: redact.Personal (numbers, e-mail and street addresses, names by
// their cue), then handles and the paths of links. The window is redacted
// by the store already; scrubbing again costs little and covers windows
// from elsewhere.
func scrub(s string) string {
	s = redact.Personal(s)
	s = handlePattern.ReplaceAllLiteralString(s, placeholderHandle)
	s = urlPattern.ReplaceAllStringFunc(s, func(link string) string {
		host := urlPattern.FindStringSubmatch(link)[1]
		if host == link {
			return link
		}
		return host + "/…"
	})
	return s
}

// scrubLinks replaces every link with a placeholder: a reason shown to the
// user must not carry a link the other party planted.
func scrubLinks(s string) string {
	return urlPattern.ReplaceAllLiteralString(s, placeholderLink)
}
