package telegramtest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// parsedText is what Telegram keeps of a message text once its markup is
// parsed: the visible text and the entities that format it.
type parsedText struct {
	Text     string
	Entities []models.MessageEntity
}

// openTag is a start tag still waiting for its end tag.
type openTag struct {
	name        string
	argument    string // href of <a>, language of <code>, emoji-id of <tg-emoji>, "expandable" of <blockquote>
	utf16Offset int
}

// supportedHTMLTags are the tags of the Bot API's HTML parse mode
// (https://core.telegram.org/bots/api#html-style). Anything else, <br> and <p>
// included, is an error: bots that forget to escape user text hit exactly that.
var supportedHTMLTags = map[string]models.MessageEntityType{
	"b":          models.MessageEntityTypeBold,
	"strong":     models.MessageEntityTypeBold,
	"i":          models.MessageEntityTypeItalic,
	"em":         models.MessageEntityTypeItalic,
	"u":          models.MessageEntityTypeUnderline,
	"ins":        models.MessageEntityTypeUnderline,
	"s":          models.MessageEntityTypeStrikethrough,
	"strike":     models.MessageEntityTypeStrikethrough,
	"del":        models.MessageEntityTypeStrikethrough,
	"span":       models.MessageEntityTypeSpoiler,
	"tg-spoiler": models.MessageEntityTypeSpoiler,
	"a":          models.MessageEntityTypeTextLink,
	"code":       models.MessageEntityTypeCode,
	"pre":        models.MessageEntityTypePre,
	"blockquote": models.MessageEntityTypeBlockquote,
	"tg-emoji":   models.MessageEntityTypeCustomEmoji,
}

// parseHTML parses text the way Telegram's server does for parse_mode=HTML.
// It follows the parser of TDLib (td/telegram/MessageEntity.cpp, parse_html),
// which is deliberately not XML: a bare '>' and an '&' that starts no known
// entity are kept as they are, while a bare '<' always starts a tag and so is
// an error unless it is a supported one. Error texts are Telegram's, so a test
// can compare them with what production logs show.
func parseHTML(text string) (parsedText, error) {
	var (
		visible     strings.Builder
		utf16Offset int
		open        []openTag
		entities    []models.MessageEntity
	)
	appendVisible := func(s string) {
		visible.WriteString(s)
		utf16Offset += utf16Len(s)
	}

	for i := 0; i < len(text); {
		switch text[i] {
		case '&':
			if decoded, size := decodeHTMLEntity(text[i:]); size > 0 {
				appendVisible(decoded)
				i += size
				continue
			}
			appendVisible("&")
			i++
		case '<':
			tagStart := i
			if i+1 < len(text) && text[i+1] == '/' {
				end, closed, err := parseEndTag(text, tagStart, open)
				if err != nil {
					return parsedText{}, err
				}
				open = open[:len(open)-1]
				if entity, ok := closedEntity(closed, utf16Offset, open); ok {
					entities = append(entities, entity)
				}
				i = end
				continue
			}
			tag, end, err := parseStartTag(text, tagStart)
			if err != nil {
				return parsedText{}, err
			}
			tag.utf16Offset = utf16Offset
			open = append(open, tag)
			i = end
		default:
			_, size := utf8.DecodeRuneInString(text[i:])
			appendVisible(text[i : i+size])
			i += size
		}
	}
	if len(open) > 0 {
		return parsedText{}, entityErrorf("Can't find end tag corresponding to start tag %q", open[len(open)-1].name)
	}

	sortEntities(entities)
	return parsedText{Text: visible.String(), Entities: entities}, nil
}

// sortEntities orders entities as Telegram lists them: by offset, an outer
// entity before the inner ones that start at the same place.
func sortEntities(entities []models.MessageEntity) {
	sort.SliceStable(entities, func(a, b int) bool {
		if entities[a].Offset != entities[b].Offset {
			return entities[a].Offset < entities[b].Offset
		}
		return entities[a].Length > entities[b].Length
	})
}

// parseStartTag reads "<name attr=value ...>" starting at text[start] == '<'
// and returns the tag and the index just after '>'.
func parseStartTag(text string, start int) (openTag, int, error) {
	i := start + 1
	for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
		i++
	}
	if i >= len(text) {
		return openTag{}, 0, entityErrorf("Unclosed start tag at byte offset %d", start)
	}
	tag := openTag{name: strings.ToLower(text[start+1 : i])}
	if _, ok := supportedHTMLTags[tag.name]; !ok {
		return openTag{}, 0, entityErrorf("Unsupported start tag %q at byte offset %d", tag.name, start)
	}

	spanClass := ""
	for {
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return openTag{}, 0, entityErrorf("Unclosed start tag at byte offset %d", start)
		}
		if text[i] == '>' {
			i++
			break
		}
		nameStart := i
		for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '=' && text[i] != '>' {
			i++
		}
		attributeName := strings.ToLower(text[nameStart:i])
		if attributeName == "" {
			return openTag{}, 0, entityErrorf("Empty attribute name in the tag %q at byte offset %d", tag.name, start)
		}
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		// <blockquote expandable> is the only attribute without a value.
		if tag.name == "blockquote" && attributeName == "expandable" && (i >= len(text) || text[i] != '=') {
			tag.argument = "expandable"
			continue
		}
		if i >= len(text) || text[i] != '=' {
			return openTag{}, 0, entityErrorf("Expected equal sign in declaration of an attribute of the tag %q at byte offset %d", tag.name, start)
		}
		i++
		for i < len(text) && isHTMLSpace(text[i]) {
			i++
		}
		if i >= len(text) {
			return openTag{}, 0, entityErrorf("Unclosed start tag %q at byte offset %d", tag.name, start)
		}
		value, next, err := parseAttributeValue(text, start, i)
		if err != nil {
			return openTag{}, 0, err
		}
		i = next

		switch {
		case tag.name == "a" && attributeName == "href":
			tag.argument = value
		case tag.name == "code" && attributeName == "class" && strings.HasPrefix(value, "language-"):
			tag.argument = strings.TrimPrefix(value, "language-")
		case tag.name == "span" && attributeName == "class":
			spanClass = value
		case tag.name == "tg-emoji" && attributeName == "emoji-id":
			tag.argument = value
		}
	}
	if tag.name == "span" && spanClass != "tg-spoiler" {
		return openTag{}, 0, entityErrorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", start)
	}
	return tag, i, nil
}

// parseAttributeValue reads a quoted string (entities decoded) or a bare name
// token starting at text[start], in the tag starting at text[tagStart].
func parseAttributeValue(text string, tagStart, start int) (string, int, error) {
	quote := text[start]
	if quote != '"' && quote != '\'' {
		i := start
		for i < len(text) && isNameTokenByte(text[i]) {
			i++
		}
		if i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
			return "", 0, entityErrorf("Unexpected end of name token at byte offset %d", start)
		}
		return strings.ToLower(text[start:i]), i, nil
	}

	var value strings.Builder
	i := start + 1
	for i < len(text) && text[i] != quote {
		if text[i] == '&' {
			if decoded, size := decodeHTMLEntity(text[i:]); size > 0 {
				value.WriteString(decoded)
				i += size
				continue
			}
		}
		value.WriteByte(text[i])
		i++
	}
	if i >= len(text) {
		return "", 0, entityErrorf("Unclosed start tag at byte offset %d", tagStart)
	}
	return value.String(), i + 1, nil
}

// parseEndTag reads "</name>" starting at text[start] == '<' and returns the
// index after '>' and the start tag it closes. "</>" closes the last tag.
func parseEndTag(text string, start int, open []openTag) (int, openTag, error) {
	if len(open) == 0 {
		return 0, openTag{}, entityErrorf("Unexpected end tag at byte offset %d", start)
	}
	i := start + 2
	for i < len(text) && !isHTMLSpace(text[i]) && text[i] != '>' {
		i++
	}
	endName := strings.ToLower(text[start+2 : i])
	for i < len(text) && isHTMLSpace(text[i]) {
		i++
	}
	if i >= len(text) || text[i] != '>' {
		return 0, openTag{}, entityErrorf("Unclosed end tag at byte offset %d", start)
	}
	last := open[len(open)-1]
	if endName != "" && endName != last.name {
		return 0, openTag{}, entityErrorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", start, last.name, endName)
	}
	return i + 1, last, nil
}

// closedEntity turns a closed tag into the entity Telegram would report.
// A <code class="language-x"> directly inside <pre> gives its language to the
// pre block instead of being an entity of its own, as Telegram does.
func closedEntity(tag openTag, endUTF16Offset int, stillOpen []openTag) (models.MessageEntity, bool) {
	length := endUTF16Offset - tag.utf16Offset
	if length == 0 {
		return models.MessageEntity{}, false
	}
	entity := models.MessageEntity{Type: supportedHTMLTags[tag.name], Offset: tag.utf16Offset, Length: length}
	switch tag.name {
	case "a":
		if tag.argument == "" {
			return models.MessageEntity{}, false
		}
		entity.URL = tag.argument
	case "code":
		if n := len(stillOpen); n > 0 && stillOpen[n-1].name == "pre" && tag.argument != "" {
			stillOpen[n-1].argument = tag.argument
			return models.MessageEntity{}, false
		}
	case "pre":
		entity.Language = tag.argument
	case "blockquote":
		if tag.argument == "expandable" {
			entity.Type = models.MessageEntityTypeExpandableBlockquote
		}
	case "tg-emoji":
		entity.CustomEmojiID = tag.argument
	}
	return entity, true
}

// entityError is a parse error worded exactly as Telegram words it, capital
// letter included, after "Bad Request: can't parse entities: ".
type entityError string

func (e entityError) Error() string { return string(e) }

func entityErrorf(format string, args ...any) error {
	return entityError(fmt.Sprintf(format, args...))
}

// decodeHTMLEntity decodes the entity at the start of s: the four named ones
// the Bot API documents and any numeric one. It returns size 0 when s starts
// with no entity Telegram knows, in which case the '&' is plain text.
func decodeHTMLEntity(s string) (string, int) {
	for name, value := range map[string]string{"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": `"`} {
		if strings.HasPrefix(s, name) {
			return value, len(name)
		}
	}
	if !strings.HasPrefix(s, "&#") {
		return "", 0
	}
	digits, base := s[2:], 10
	if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
		digits, base = digits[1:], 16
	}
	end := strings.IndexByte(digits, ';')
	if end <= 0 {
		return "", 0
	}
	code, err := strconv.ParseUint(digits[:end], base, 32)
	if err != nil || code == 0 || code > utf8.MaxRune || (code >= 0xD800 && code <= 0xDFFF) {
		return "", 0
	}
	return string(rune(code)), len(s) - len(digits) + end + 1
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func isNameTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// utf16Len counts s in UTF-16 code units, the unit of Telegram's length
// limits and entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
