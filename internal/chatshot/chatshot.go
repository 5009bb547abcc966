// Package chatshot draws chat screenshots for tests: the layouts of
// WeChat, LINE, WhatsApp, Telegram, iMessage and SMS apps, light and dark,
// with a status bar, a header, timestamps, names, read marks and an input
// box around the bubbles, so that reading a screenshot is tested on the
// clutter a real one has. It draws with a CJK font from the system
// (Debian's fonts-wqy-zenhei or fonts-noto-cjk); Font says when none is
// installed.
package chatshot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Style is a chat app's layout.
type Style string

// The layouts drawn.
const (
	WeChat   Style = "wechat"
	LINE     Style = "line"
	WhatsApp Style = "whatsapp"
	Telegram Style = "telegram"
	IMessage Style = "imessage"
	SMS      Style = "sms"
)

// Styles lists every layout.
var Styles = []Style{WeChat, LINE, WhatsApp, Telegram, IMessage, SMS}

// Message is one bubble: the user's own (right) or the other party's (left).
type Message struct {
	FromUser bool
	Text     string
}

// Shot describes one screenshot.
type Shot struct {
	Style Style
	Dark  bool
	// Title is the header's contact name (an SMS sender number, a
	// customer-service name).
	Title string
	// Lang picks the chrome's words (timestamps, placeholders, read marks):
	// "zh", "zh-Hant" or "en".
	Lang     string
	Messages []Message
	// Width and Height default to a 1080×2400 phone screenshot.
	Width, Height int
}

// ErrNoFont is returned when no CJK font is installed.
var ErrNoFont = errors.New("no CJK font found (apt-get install fonts-wqy-zenhei)")

// fontPaths are where Debian puts the CJK fonts, in order of preference.
var fontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
}

var (
	fontOnce sync.Once
	fontData *opentype.Font
	fontErr  error
)

// Font loads the CJK font once; it returns ErrNoFont when none is there.
func Font() (*opentype.Font, error) {
	fontOnce.Do(func() {
		fontErr = ErrNoFont
		for _, path := range fontPaths {
			data, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			// The WenQuanYi collections keep tables at offsets that are
			// not multiples of four, which x/image/font/sfnt refuses:
			// copy the first font out with aligned tables.
			aligned, err := firstFontAligned(data)
			if err != nil {
				fontErr = fmt.Errorf("read font %s: %w", path, err)
				return
			}
			fontData, fontErr = opentype.Parse(aligned)
			if fontErr != nil {
				fontErr = fmt.Errorf("parse font %s: %w", path, fontErr)
			}
			return
		}
	})
	return fontData, fontErr
}

// firstFontAligned returns the first font of a TrueType collection (or
// the font itself) as a standalone font whose tables start on four-byte
// boundaries. Tables refer to each other by tag, never by file offset, so
// moving them is safe; checksums are not checked by the parser.
func firstFontAligned(data []byte) ([]byte, error) {
	u32 := func(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
	start := 0
	if len(data) >= 16 && string(data[:4]) == "ttcf" {
		start = int(u32(data[12:16]))
	}
	if start+12 > len(data) {
		return nil, errors.New("truncated font header")
	}
	numTables := int(binary.BigEndian.Uint16(data[start+4:]))
	dir := start + 12
	if dir+16*numTables > len(data) {
		return nil, errors.New("truncated table directory")
	}
	out := make([]byte, 12+16*numTables)
	copy(out, data[start:start+12])
	for i := range numTables {
		record := data[dir+16*i : dir+16*i+16]
		offset, length := int(u32(record[8:12])), int(u32(record[12:16]))
		if offset+length > len(data) {
			return nil, fmt.Errorf("table %q past the end of the file", record[:4])
		}
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
		newRecord := out[12+16*i : 12+16*i+16]
		copy(newRecord, record)
		binary.BigEndian.PutUint32(newRecord[8:12], uint32(len(out)))
		out = append(out, data[offset:offset+length]...)
	}
	return out, nil
}

// palette is one layout's colours.
type palette struct {
	page, header, headerText, bar, field, chromeText color.RGBA
	left, leftText, right, rightText, pill, pillText color.RGBA
}

func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

// palettes follow the apps' own colours closely enough that the reader
// meets the same contrasts (a white bubble on light grey, white text on
// blue, grey on black).
var palettes = map[Style][2]palette{
	WeChat: {
		{page: rgb(0xEDEDED), header: rgb(0xEDEDED), headerText: rgb(0x111111), bar: rgb(0xF7F7F7), field: rgb(0xFFFFFF), chromeText: rgb(0x9A9A9A),
			left: rgb(0xFFFFFF), leftText: rgb(0x111111), right: rgb(0x95EC69), rightText: rgb(0x111111)},
		{page: rgb(0x111111), header: rgb(0x111111), headerText: rgb(0xD5D5D5), bar: rgb(0x1E1E1E), field: rgb(0x2C2C2C), chromeText: rgb(0x6B6B6B),
			left: rgb(0x2C2C2C), leftText: rgb(0xD5D5D5), right: rgb(0x3EB575), rightText: rgb(0x0F0F0F)},
	},
	LINE: {
		{page: rgb(0x8CABD9), header: rgb(0x8CABD9), headerText: rgb(0x1E1E1E), bar: rgb(0xFFFFFF), field: rgb(0xF2F2F2), chromeText: rgb(0x3A4A66),
			left: rgb(0xFFFFFF), leftText: rgb(0x111111), right: rgb(0x85E249), rightText: rgb(0x111111)},
		{page: rgb(0x22262E), header: rgb(0x1B1E24), headerText: rgb(0xE6E6E6), bar: rgb(0x1B1E24), field: rgb(0x2E323A), chromeText: rgb(0x8A8F99),
			left: rgb(0x3A3F48), leftText: rgb(0xEDEDED), right: rgb(0x4CC764), rightText: rgb(0x0D0D0D)},
	},
	WhatsApp: {
		{page: rgb(0xEFEAE2), header: rgb(0x008069), headerText: rgb(0xFFFFFF), bar: rgb(0xEFEAE2), field: rgb(0xFFFFFF), chromeText: rgb(0x667781),
			left: rgb(0xFFFFFF), leftText: rgb(0x111B21), right: rgb(0xD9FDD3), rightText: rgb(0x111B21), pill: rgb(0xFFFFFF), pillText: rgb(0x54656F)},
		{page: rgb(0x0B141A), header: rgb(0x202C33), headerText: rgb(0xE9EDEF), bar: rgb(0x0B141A), field: rgb(0x202C33), chromeText: rgb(0x8696A0),
			left: rgb(0x202C33), leftText: rgb(0xE9EDEF), right: rgb(0x005C4B), rightText: rgb(0xE9EDEF), pill: rgb(0x182229), pillText: rgb(0x8696A0)},
	},
	Telegram: {
		{page: rgb(0xC8D9A8), header: rgb(0x517DA2), headerText: rgb(0xFFFFFF), bar: rgb(0xFFFFFF), field: rgb(0xFFFFFF), chromeText: rgb(0x8A8A8A),
			left: rgb(0xFFFFFF), leftText: rgb(0x000000), right: rgb(0xEFFDDE), rightText: rgb(0x000000), pill: rgb(0x7E9A6A), pillText: rgb(0xFFFFFF)},
		{page: rgb(0x0E1621), header: rgb(0x17212B), headerText: rgb(0xF5F5F5), bar: rgb(0x17212B), field: rgb(0x17212B), chromeText: rgb(0x6D7F8F),
			left: rgb(0x182533), leftText: rgb(0xF5F5F5), right: rgb(0x2B5278), rightText: rgb(0xF5F5F5), pill: rgb(0x1E2C3A), pillText: rgb(0xC8D0D8)},
	},
	IMessage: {
		{page: rgb(0xFFFFFF), header: rgb(0xF6F6F6), headerText: rgb(0x000000), bar: rgb(0xFFFFFF), field: rgb(0xFFFFFF), chromeText: rgb(0x8E8E93),
			left: rgb(0xE9E9EB), leftText: rgb(0x000000), right: rgb(0x007AFF), rightText: rgb(0xFFFFFF)},
		{page: rgb(0x000000), header: rgb(0x1C1C1E), headerText: rgb(0xFFFFFF), bar: rgb(0x000000), field: rgb(0x000000), chromeText: rgb(0x8E8E93),
			left: rgb(0x26252A), leftText: rgb(0xFFFFFF), right: rgb(0x0A84FF), rightText: rgb(0xFFFFFF)},
	},
}

func init() {
	// An SMS app looks like iMessage with green for the user's bubbles.
	sms := palettes[IMessage]
	sms[0].right, sms[1].right = rgb(0x34C759), rgb(0x30D158)
	palettes[SMS] = sms
}

// chrome holds the layout's words in one language.
type chrome struct {
	clock, stamp, placeholder, read, delivered, edited string
}

var chromeWords = map[string]chrome{
	"zh":      {clock: "9:41", stamp: "昨天 14:23", placeholder: "发消息", read: "已读", delivered: "已送达"},
	"zh-Hant": {clock: "9:41", stamp: "昨天 下午2:23", placeholder: "輸入訊息", read: "已讀", delivered: "已送達"},
	"en":      {clock: "9:41", stamp: "Yesterday 2:23 PM", placeholder: "Message", read: "Read", delivered: "Delivered"},
}

// canvas draws text and rounded boxes on an RGBA image.
type canvas struct {
	img           *image.RGBA
	body, small   font.Face
	width, height int
	scale         float64
}

// Render draws shot.
func Render(shot Shot) (*image.RGBA, error) {
	f, err := Font()
	if err != nil {
		return nil, err
	}
	if shot.Width == 0 {
		shot.Width, shot.Height = 1080, 2400
	}
	scale := float64(shot.Width) / 1080
	body, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 44 * scale, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("body face: %w", err)
	}
	small, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 32 * scale, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("small face: %w", err)
	}
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, shot.Width, shot.Height)), body: body, small: small, width: shot.Width, height: shot.Height, scale: scale}
	if err := c.layout(shot); err != nil {
		return nil, err
	}
	return c.img, nil
}

// PNG renders shot as PNG bytes.
func PNG(shot Shot) ([]byte, error) {
	img, err := Render(shot)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// JPEG renders shot as JPEG bytes at quality, the way Telegram recompresses
// a photo.
func JPEG(shot Shot, quality int) ([]byte, error) {
	img, err := Render(shot)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *canvas) px(v int) int { return int(float64(v) * c.scale) }

func (c *canvas) fill(r image.Rectangle, col color.RGBA) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// roundRect fills r with rounded corners of the given radius.
func (c *canvas) roundRect(r image.Rectangle, radius int, col color.RGBA) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dx, dy := 0, 0
			if x < r.Min.X+radius {
				dx = r.Min.X + radius - x
			} else if x >= r.Max.X-radius {
				dx = x - (r.Max.X - radius - 1)
			}
			if y < r.Min.Y+radius {
				dy = r.Min.Y + radius - y
			} else if y >= r.Max.Y-radius {
				dy = y - (r.Max.Y - radius - 1)
			}
			if dx*dx+dy*dy <= radius*radius {
				c.img.SetRGBA(x, y, col)
			}
		}
	}
}

// text draws s with its top-left corner at (x, y).
func (c *canvas) text(face font.Face, x, y int, s string, col color.RGBA) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: face,
		Dot: fixed.P(x, y+face.Metrics().Ascent.Ceil())}
	d.DrawString(s)
}

func (c *canvas) textWidth(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

func (c *canvas) lineHeight(face font.Face) int {
	m := face.Metrics()
	return (m.Ascent + m.Descent).Ceil() + c.px(8)
}

// wrap breaks s into lines no wider than width: between words for Latin
// text, between any two characters for CJK.
func (c *canvas) wrap(face font.Face, s string, width int) []string {
	var lines []string
	var line strings.Builder
	for _, token := range tokens(s) {
		candidate := line.String() + token
		if line.Len() > 0 && c.textWidth(face, candidate) > width {
			lines = append(lines, strings.TrimRight(line.String(), " "))
			line.Reset()
			token = strings.TrimLeft(token, " ")
		}
		line.WriteString(token)
	}
	if line.Len() > 0 {
		lines = append(lines, strings.TrimRight(line.String(), " "))
	}
	return lines
}

// tokens splits s into units that must stay on one line: a Latin word with
// the space before it, or one CJK character.
func tokens(s string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == ' ':
			flush()
			word.WriteRune(r)
		case r > 0x2E80 || unicode.Is(unicode.Han, r):
			flush()
			out = append(out, string(r))
		default:
			word.WriteRune(r)
		}
	}
	flush()
	return out
}

// bubble is a message laid out: its lines, size and side.
type bubble struct {
	lines         []string
	width, height int
	right         bool
	stamp         string // a time drawn inside the bubble (WhatsApp, Telegram)
	stampOnLast   bool   // the stamp shares the last line
}

// layout draws the whole screenshot: the app's chrome, then the messages
// top down, each bubble below the last.
func (c *canvas) layout(shot Shot) error {
	p := palettes[shot.Style][0]
	if shot.Dark {
		p = palettes[shot.Style][1]
	}
	words, ok := chromeWords[shot.Lang]
	if !ok {
		words = chromeWords["zh"]
	}
	c.fill(c.img.Bounds(), p.page)
	headerBottom, barTop := c.drawChrome(shot, p, words)

	y := headerBottom + c.px(40)
	y = c.stamp(shot.Style, p, words, y)
	maxWidth := c.width * 62 / 100
	lastRight := -1
	for i, m := range shot.Messages {
		if m.FromUser {
			lastRight = i
		}
	}
	for i, m := range shot.Messages {
		b := c.measure(shot.Style, words, m, maxWidth)
		if shot.Style == LINE && !b.right {
			c.text(c.small, c.px(170), y, shot.Title, p.chromeText)
			y += c.lineHeight(c.small)
		}
		if y+b.height > barTop-c.px(20) {
			return fmt.Errorf("chatshot: message %d does not fit on a %dx%d %s screenshot", i, c.width, c.height, shot.Style)
		}
		c.drawBubble(shot.Style, p, words, b, y)
		y += b.height + c.px(36)
		if i == lastRight && shot.Style == IMessage {
			c.text(c.small, c.width-c.px(40)-c.textWidth(c.small, words.delivered), y-c.px(24), words.delivered, p.chromeText)
			y += c.lineHeight(c.small)
		}
	}
	return nil
}

// drawChrome draws the status bar, the header with the chat's title and the
// input bar, and returns where the header ends and the bar starts.
func (c *canvas) drawChrome(shot Shot, p palette, words chrome) (headerBottom, barTop int) {
	headerBottom = c.px(260)
	c.fill(image.Rect(0, 0, c.width, headerBottom), p.header)
	c.text(c.small, c.px(60), c.px(30), words.clock, p.headerText)
	c.text(c.small, c.width-c.px(200), c.px(30), "5G 87%", p.headerText)
	title := shot.Title
	c.text(c.body, c.px(40), c.px(150), "<", p.headerText)
	c.text(c.body, (c.width-c.textWidth(c.body, title))/2, c.px(150), title, p.headerText)
	if shot.Style == WeChat || shot.Style == LINE {
		c.text(c.body, c.width-c.px(100), c.px(150), "···", p.headerText)
	}

	barTop = c.height - c.px(200)
	c.fill(image.Rect(0, barTop, c.width, c.height), p.bar)
	field := image.Rect(c.px(130), barTop+c.px(40), c.width-c.px(130), barTop+c.px(140))
	c.roundRect(field, c.px(50), p.field)
	if shot.Style != WeChat {
		c.text(c.body, field.Min.X+c.px(40), field.Min.Y+c.px(22), words.placeholder, p.chromeText)
	}
	c.text(c.body, c.px(40), barTop+c.px(62), "+", p.chromeText)
	return headerBottom, barTop
}

// drawBubble draws one laid-out message at y: its avatar (WeChat, LINE), the
// bubble with its lines, the stamp inside it and LINE's time beside it.
func (c *canvas) drawBubble(style Style, p palette, words chrome, b bubble, y int) {
	avatar := style == WeChat || style == LINE
	x := c.px(40)
	if avatar {
		x = c.px(170)
	}
	if b.right {
		x = c.width - c.px(40) - b.width
		if avatar {
			x = c.width - c.px(170) - b.width
		}
	}
	bg, fg := p.left, p.leftText
	if b.right {
		bg, fg = p.right, p.rightText
	}
	if avatar {
		ax := c.px(30)
		if b.right {
			ax = c.width - c.px(30) - c.px(110)
		}
		avatarColour := rgb(0xF0A030)
		if b.right {
			avatarColour = rgb(0x4A90D9)
		}
		c.roundRect(image.Rect(ax, y, ax+c.px(110), y+c.px(110)), c.px(14), avatarColour)
	}
	radius := c.px(14)
	if style == IMessage || style == SMS {
		radius = c.px(40)
	}
	rect := image.Rect(x, y, x+b.width, y+b.height)
	c.roundRect(rect, radius, bg)
	padX, padY := c.px(30), c.px(22)
	lh := c.lineHeight(c.body)
	for j, line := range b.lines {
		c.text(c.body, x+padX, y+padY+j*lh, line, fg)
	}
	if b.stamp != "" {
		sy := y + padY + len(b.lines)*lh
		if b.stampOnLast {
			sy -= lh
		}
		sy += lh - c.lineHeight(c.small)
		c.text(c.small, rect.Max.X-padX-c.textWidth(c.small, b.stamp), sy, b.stamp, p.chromeText)
	}
	if style == LINE {
		// The time (and the read mark) beside the bubble's foot.
		mark := "14:23"
		if b.right {
			mark = words.read + " 14:23"
			c.text(c.small, rect.Min.X-c.px(16)-c.textWidth(c.small, mark), rect.Max.Y-c.lineHeight(c.small), mark, p.chromeText)
		} else {
			c.text(c.small, rect.Max.X+c.px(16), rect.Max.Y-c.lineHeight(c.small), mark, p.chromeText)
		}
	}
}

// stamp draws the timestamp (or date pill) that opens the messages.
func (c *canvas) stamp(style Style, p palette, words chrome, y int) int {
	text := words.stamp
	w := c.textWidth(c.small, text)
	h := c.lineHeight(c.small)
	x := (c.width - w) / 2
	if style == WhatsApp || style == Telegram {
		c.roundRect(image.Rect(x-c.px(24), y-c.px(8), x+w+c.px(24), y+h+c.px(8)), c.px(20), p.pill)
		c.text(c.small, x, y, text, p.pillText)
	} else {
		c.text(c.small, x, y, text, p.chromeText)
	}
	return y + h + c.px(40)
}

// measure wraps m and sizes its bubble.
func (c *canvas) measure(style Style, words chrome, m Message, maxWidth int) bubble {
	padX, padY := c.px(30), c.px(22)
	b := bubble{right: m.FromUser, lines: c.wrap(c.body, m.Text, maxWidth-2*padX)}
	for _, line := range b.lines {
		b.width = max(b.width, c.textWidth(c.body, line))
	}
	rows := len(b.lines)
	if style == WhatsApp || style == Telegram {
		b.stamp = "14:23"
		if b.right {
			b.stamp += " ✓✓"
		}
		last := c.textWidth(c.body, b.lines[len(b.lines)-1]) + c.px(24) + c.textWidth(c.small, b.stamp)
		if last <= maxWidth-2*padX {
			b.stampOnLast = true
			b.width = max(b.width, last)
		} else {
			rows++
		}
	}
	b.width += 2 * padX
	b.height = rows*c.lineHeight(c.body) + 2*padY
	return b
}
