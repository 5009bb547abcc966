package telegramtest

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// Bubble is a bot message as a Telegram app shows it: the visible text with
// its entities (what the server kept of the HTML the bot sent) and the
// inline keyboard under it.
type Bubble struct {
	Text     string
	Entities []models.MessageEntity
	Keyboard [][]models.InlineKeyboardButton
	// ReplyTo is the text of the message it answers, shown as a quote at
	// the top of the bubble as the apps do; empty when it answers none.
	ReplyTo string
}

// BubbleOf reads the Message a sendMessage or editMessageText call was
// answered with (Call.Result): what the app of the user would show.
func BubbleOf(result json.RawMessage) (Bubble, error) {
	var m struct {
		Text        string                      `json:"text"`
		Entities    []models.MessageEntity      `json:"entities"`
		ReplyMarkup models.InlineKeyboardMarkup `json:"reply_markup"`
	}
	if err := json.Unmarshal(result, &m); err != nil {
		return Bubble{}, fmt.Errorf("read the message of a call's result: %w", err)
	}
	if m.Text == "" {
		return Bubble{}, fmt.Errorf("the call's result has no message text: %s", result)
	}
	return Bubble{Text: m.Text, Entities: m.Entities, Keyboard: m.ReplyMarkup.InlineKeyboard}, nil
}

// Phone sizes for PhonePage, in CSS pixels: a common phone (390×844, as an
// iPhone 12–15) with the app's bars, and Telegram's text in a message bubble
// at the default text size (16 px, line height 1.3125, as Telegram's apps
// and web client lay it out). An incoming bubble leaves room on the right,
// so its text column is 306 px: 19 Chinese characters.
const (
	PhoneWidth        = 390
	PhoneHeight       = 844
	PhoneHeaderHeight = 91 // status bar and the chat's title bar
	PhoneInputHeight  = 84 // the message field and the home indicator
	PhoneLineHeight   = 21
)

// PhonePage writes an HTML page that shows b the way a Telegram app shows
// a bot's reply in a private chat on a phone: the title bar, the bubble at
// the top of the chat (the app opens a chat at its first unread message)
// with its inline keyboard under it, and the message field at the bottom.
// Each line of the text is its own element (class "line"), so a browser
// can say where each one was laid out (MeasurePhoneScript).
func PhonePage(b Bubble) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<style>
html, body { margin: 0; height: 100%%; }
body { font-family: "Liberation Sans", Arial, "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Color Emoji", sans-serif;
  background: #9bbb8f; display: flex; flex-direction: column; }
header { height: %[1]dpx; flex: none; background: #f7f7f7; box-sizing: border-box; padding: 52px 16px 0;
  font: 600 17px/24px "Liberation Sans", "WenQuanYi Micro Hei", "Noto Color Emoji", sans-serif; text-align: center; }
#chat { flex: 1; overflow-y: auto; padding: 6px 8px; }
footer { height: %[2]dpx; flex: none; background: #f7f7f7; }
.bubble { max-width: 330px; box-sizing: border-box; background: #fff; border-radius: 16px;
  padding: 6px 12px 8px; font-size: 16px; line-height: %[3]dpx; color: #000; }
.line { white-space: break-spaces; overflow-wrap: break-word; min-height: %[3]dpx; }
.reply-to { border-left: 3px solid #3a8ee6; padding-left: 6px; margin-bottom: 4px; color: #3a8ee6;
  font-size: 15px; line-height: 19px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
a { color: #2678b6; text-decoration: none; }
.keyboard { width: 330px; margin-top: 4px; }
.row { display: flex; gap: 4px; margin-bottom: 4px; }
.button { flex: 1 1 0; min-width: 0; height: 40px; border-radius: 10px; background: rgba(0, 0, 0, .22); color: #fff;
  font: 500 14px/40px "Liberation Sans", "WenQuanYi Micro Hei", "Noto Color Emoji", sans-serif; text-align: center;
  padding: 0 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style></head><body>
<header>ScamGuard</header>
<div id="chat"><div class="bubble">`, PhoneHeaderHeight, PhoneInputHeight, PhoneLineHeight)
	if b.ReplyTo != "" {
		fmt.Fprintf(&sb, `<div class="reply-to">%s</div>`, html.EscapeString(b.ReplyTo))
	}
	for _, l := range b.lines() {
		sb.WriteString(`<div class="line">`)
		for _, s := range l {
			sb.WriteString(s.html())
		}
		sb.WriteString("</div>\n")
	}
	sb.WriteString(`</div><div class="keyboard">`)
	for _, row := range b.Keyboard {
		sb.WriteString(`<div class="row">`)
		for _, button := range row {
			fmt.Fprintf(&sb, `<div class="button">%s</div>`, html.EscapeString(button.Text))
		}
		sb.WriteString("</div>")
	}
	sb.WriteString("</div></div>\n<footer></footer>\n</body></html>\n")
	return sb.String()
}

// styledText is a stretch of one line under the same entities.
type styledText struct {
	text     string
	entities []models.MessageEntity
}

func (s styledText) html() string {
	out := html.EscapeString(s.text)
	for _, e := range s.entities {
		switch e.Type {
		case models.MessageEntityTypeBold:
			out = "<b>" + out + "</b>"
		case models.MessageEntityTypeItalic:
			out = "<i>" + out + "</i>"
		case models.MessageEntityTypeUnderline:
			out = "<u>" + out + "</u>"
		case models.MessageEntityTypeStrikethrough:
			out = "<s>" + out + "</s>"
		case models.MessageEntityTypeCode, models.MessageEntityTypePre:
			out = "<code>" + out + "</code>"
		case models.MessageEntityTypeTextLink:
			out = `<a href="` + html.EscapeString(e.URL) + `">` + out + "</a>"
		}
	}
	return out
}

// lines splits the text at its line breaks into stretches that share their
// entities (whose offsets count UTF-16 code units, as Telegram's do).
func (b Bubble) lines() [][]styledText {
	units := utf16.Encode([]rune(b.Text))
	cuts := []int{0, len(units)}
	for _, e := range b.Entities {
		cuts = append(cuts, min(e.Offset, len(units)), min(e.Offset+e.Length, len(units)))
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	lines := [][]styledText{nil}
	for i := 0; i+1 < len(cuts); i++ {
		from, to := cuts[i], cuts[i+1]
		var covering []models.MessageEntity
		for _, e := range b.Entities {
			if e.Offset <= from && to <= e.Offset+e.Length {
				covering = append(covering, e)
			}
		}
		for k, part := range strings.Split(string(utf16.Decode(units[from:to])), "\n") {
			if k > 0 {
				lines = append(lines, nil)
			}
			if part != "" {
				lines[len(lines)-1] = append(lines[len(lines)-1], styledText{part, covering})
			}
		}
	}
	return lines
}

// PhoneLayout is where a browser laid out a PhonePage, in CSS pixels, as
// MeasurePhoneScript reports it.
type PhoneLayout struct {
	// PageWidth is the page's scroll width; Width the window's.
	PageWidth, Width float64
	// ChatTop and ChatBottom bound the chat between the bars: what shows
	// without scrolling.
	ChatTop, ChatBottom float64
	// TextRight is the right edge of the bubble's text column.
	TextRight float64
	Lines     []PhoneLine
	Buttons   []PhoneButton
}

// PhoneLine is one line of the message text (up to a line break) as laid
// out: how many lines of the screen it wraps onto and its box.
type PhoneLine struct {
	Text        string
	ScreenLines int
	Top, Bottom float64
	// Right is the rightmost edge of its glyphs.
	Right float64
}

// PhoneButton is one button of the inline keyboard as laid out. A label
// wider than its button (LabelWidth > Width) is cut short with an ellipsis.
type PhoneButton struct {
	Text              string
	Top, Bottom       float64
	Width, LabelWidth float64
}

// ScreenLines is how many lines of the screen the text takes.
func (l PhoneLayout) ScreenLines() int {
	n := 0
	for _, line := range l.Lines {
		n += line.ScreenLines
	}
	return n
}

// MeasurePhoneScript is JavaScript that measures a PhonePage in the
// browser and evaluates to its PhoneLayout. A line's screen lines are the
// distinct rows its glyph boxes sit on (an empty line takes one).
const MeasurePhoneScript = `(() => {
  const chat = document.getElementById("chat").getBoundingClientRect();
  const bubble = document.querySelector(".bubble");
  const style = getComputedStyle(bubble);
  const textRight = bubble.getBoundingClientRect().right - parseFloat(style.paddingRight);
  const lineHeight = parseFloat(style.lineHeight);
  const lines = [...document.querySelectorAll(".line")].map(el => {
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter(r => r.width > 0).sort((a, b) => a.top - b.top);
    let rows = 0, lastTop = -1e9, right = box.left;
    for (const r of rects) {
      if (r.top >= lastTop + lineHeight / 2) { rows++; lastTop = r.top; }
      right = Math.max(right, r.right);
    }
    return {Text: el.textContent, ScreenLines: Math.max(rows, 1), Top: box.top, Bottom: box.bottom, Right: right};
  });
  const buttons = [...document.querySelectorAll(".button")].map(el => {
    const box = el.getBoundingClientRect();
    return {Text: el.textContent, Top: box.top, Bottom: box.bottom, Width: el.clientWidth, LabelWidth: el.scrollWidth};
  });
  return {PageWidth: document.scrollingElement.scrollWidth, Width: innerWidth,
    ChatTop: chat.top, ChatBottom: chat.bottom, TextRight: textRight, Lines: lines, Buttons: buttons};
})()`
