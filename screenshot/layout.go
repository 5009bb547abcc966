package screenshot

import (
	"image"
	"image/color"
	"regexp"
	"slices"
	"strings"
	"unicode"

	xdraw "golang.org/x/image/draw"

	"github.com/scamguard/scamguard/ocr"
)

// chatBubble is a bubble found in a screenshot and the side it is on.
type chatBubble struct {
	region
	right bool
}

// findBubbles returns the message bubbles of a chat screenshot, top to
// bottom. A bubble is a flat-coloured box that holds something (text
// leaves holes in it), is narrower than the screen, and is not the header,
// the input box, an avatar or a centred timestamp or date pill.
func findBubbles(img *image.RGBA) []chatBubble {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	unit := w / 40 // about 27 px on a 1080-wide phone screenshot
	if unit < 4 {
		return nil
	}
	// The status bar and header take about a quarter of the width from
	// the top, the input bar about a fifth from the bottom, whatever the
	// screenshot's height.
	headerBottom, inputTop := w*23/100, h-w*21/100
	var found []chatBubble
	for _, r := range regions(img, unit*unit*2) {
		box := r.box
		switch {
		case box.Dx() >= w*95/100: // page background, header or input band
		case box.Dy() < unit*3/2 || box.Dx() < unit*2: // too small for a line of text
		case box.Max.Y <= headerBottom || box.Min.Y >= inputTop:
		case float64(r.pixels) > 0.97*float64(box.Dx()*box.Dy()): // no holes: an avatar, a button
		case !holdsMarks(img, r, unit): // holes of JPEG noise only: an avatar
		case centred(box, w): // a date pill, a system notice
		default:
			found = append(found, chatBubble{region: r})
		}
	}
	// A bubble holds no other bubble: drop boxes inside others (a quoted
	// message inside a reply keeps its outer bubble).
	found = slices.DeleteFunc(found, func(b chatBubble) bool {
		for _, other := range found {
			if other.box != b.box && b.box.In(other.box) {
				return true
			}
		}
		return false
	})
	assignSides(found, w)
	slices.SortFunc(found, func(a, b chatBubble) int { return a.box.Min.Y - b.box.Min.Y })
	return found
}

// markContrast is how far (per channel, at most) a pixel must be from a
// box's colour to be part of something drawn on it: text is drawn far
// from its bubble's colour, while JPEG's noise on a flat box (ringing,
// chroma subsampling around a saturated avatar) stays well within it.
const markContrast = 48

// holdsMarks reports whether something is drawn inside r: at least a
// stroke's worth of pixels of strong contrast in its box, away from the
// box's edges (where round corners show the page). A flat avatar or
// button, whose JPEG noise leaves holes in its region, holds none.
func holdsMarks(img *image.RGBA, r region, unit int) bool {
	inner := r.box.Inset(unit)
	if inner.Empty() {
		inner = r.box.Inset(unit / 2)
	}
	need, marks := max(unit*unit/8, 1), 0
	for y := inner.Min.Y; y < inner.Max.Y; y++ {
		for x := inner.Min.X; x < inner.Max.X; x++ {
			i := img.PixOffset(x, y)
			if diff(img.Pix[i], r.colour.R) > markContrast || diff(img.Pix[i+1], r.colour.G) > markContrast || diff(img.Pix[i+2], r.colour.B) > markContrast {
				if marks++; marks >= need {
					return true
				}
			}
		}
	}
	return false
}

// centred reports a box in the middle of the screen, narrower than a
// message: chat apps put times, dates and notices there.
func centred(box image.Rectangle, width int) bool {
	left, right := box.Min.X, width-box.Max.X
	return abs(left-right) < width*5/100 && box.Dx() < width*60/100
}

// assignSides puts each bubble on the side it is nearer to; a wide bubble
// that is near neither takes the side of the bubbles of its colour (apps
// colour the two sides differently), and failing that the left.
func assignSides(bubbles []chatBubble, width int) {
	margin := width * 8 / 100
	type known struct {
		colour color.RGBA
		right  bool
	}
	var sure []known
	var unsure []int
	for i := range bubbles {
		left, right := bubbles[i].box.Min.X, width-bubbles[i].box.Max.X
		switch {
		case right < left-margin:
			bubbles[i].right = true
			sure = append(sure, known{bubbles[i].colour, true})
		case left < right-margin:
			sure = append(sure, known{bubbles[i].colour, false})
		default:
			unsure = append(unsure, i)
		}
	}
	for _, i := range unsure {
		best := 1 << 30
		for _, k := range sure {
			d := colourDistance(k.colour, bubbles[i].colour)
			if d < best {
				best, bubbles[i].right = d, k.right
			}
		}
		if best > 3*colourTolerance {
			left, right := bubbles[i].box.Min.X, width-bubbles[i].box.Max.X
			bubbles[i].right = right < left
		}
	}
}

func colourDistance(a, b color.RGBA) int {
	return diff(a.R, b.R) + diff(a.G, b.G) + diff(a.B, b.B)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// band is where a bubble lies on the stacked strip.
type band struct{ top, bottom int }

// stack copies every bubble, normalised to dark text on white, one under
// the other onto a strip, and returns the strip and each bubble's band.
func stack(img *image.RGBA, bubbles []chatBubble) (*image.Gray, []band) {
	gap := max(img.Rect.Dx()/40, 8)
	width, height := 0, gap
	for _, b := range bubbles {
		width = max(width, b.box.Dx())
		height += b.box.Dy() + gap
	}
	strip := image.NewGray(image.Rect(0, 0, width+2*gap, height))
	for i := range strip.Pix {
		strip.Pix[i] = 255
	}
	bands := make([]band, len(bubbles))
	y := gap
	for i, b := range bubbles {
		gray := normalise(img, b.box, b.colour, bubbleRows(img, b))
		for row := 0; row < b.box.Dy(); row++ {
			copy(strip.Pix[(y+row)*strip.Stride+gap:], gray.Pix[row*gray.Stride:row*gray.Stride+b.box.Dx()])
		}
		bands[i] = band{top: y - gap/2, bottom: y + b.box.Dy() + gap/2}
		y += b.box.Dy() + gap
	}
	return strip, bands
}

// bubbleRows returns, per row of the bubble's box, the span that is inside
// the bubble: from its first to its last pixel of the bubble's colour.
// Outside it (round corners, the tail, the page) is painted white.
func bubbleRows(img *image.RGBA, b chatBubble) [][2]int {
	rows := make([][2]int, b.box.Dy())
	for row := range rows {
		y := b.box.Min.Y + row
		first, last := -1, -1
		for x := b.box.Min.X; x < b.box.Max.X; x++ {
			i := img.PixOffset(x, y)
			if near(img.Pix[i:i+3], b.colour) {
				if first < 0 {
					first = x
				}
				last = x
			}
		}
		rows[row] = [2]int{first - b.box.Min.X, last - b.box.Min.X + 1}
	}
	return rows
}

// normalise returns box of img in gray, dark on white: each pixel by how
// far it is from the background colour, stretched so that the strongest
// contrast is black. Pixels outside rows' spans (when given) are white.
func normalise(img *image.RGBA, box image.Rectangle, background color.RGBA, rows [][2]int) *image.Gray {
	out := image.NewGray(image.Rect(0, 0, box.Dx(), box.Dy()))
	bg := luminanceRGB(background.R, background.G, background.B)
	strongest := 1
	distance := make([]int, box.Dx()*box.Dy())
	for y := 0; y < box.Dy(); y++ {
		for x := 0; x < box.Dx(); x++ {
			if rows != nil && (x < rows[y][0] || x >= rows[y][1]) {
				continue
			}
			i := img.PixOffset(box.Min.X+x, box.Min.Y+y)
			d := abs(luminanceRGB(img.Pix[i], img.Pix[i+1], img.Pix[i+2]) - bg)
			// Coloured text on a bubble of the same brightness still stands out.
			d = max(d, (diff(img.Pix[i], background.R)+diff(img.Pix[i+1], background.G)+diff(img.Pix[i+2], background.B))/3)
			distance[y*box.Dx()+x] = d
			strongest = max(strongest, d)
		}
	}
	for i, d := range distance {
		out.Pix[i] = uint8(255 - min(255, d*255/strongest))
	}
	return out
}

func luminanceRGB(r, g, b uint8) int {
	return (299*int(r) + 587*int(g) + 114*int(b)) / 1000
}

// joinLines joins recognised words into text: lines top to bottom, words
// left to right, with a space between words except where both sides are
// CJK (Tesseract splits Chinese into arbitrary "words").
func joinLines(words []ocr.Word) string {
	type lineKey struct{ block, par, line int }
	lines := map[lineKey][]ocr.Word{}
	var keys []lineKey
	for _, w := range words {
		k := lineKey{w.Block, w.Paragraph, w.Line}
		if _, ok := lines[k]; !ok {
			keys = append(keys, k)
		}
		lines[k] = append(lines[k], w)
	}
	slices.SortStableFunc(keys, func(a, b lineKey) int { return lines[a][0].Box.Min.Y - lines[b][0].Box.Min.Y })
	var out strings.Builder
	for _, k := range keys {
		line := lines[k]
		slices.SortStableFunc(line, func(a, b ocr.Word) int { return a.Box.Min.X - b.Box.Min.X })
		for _, w := range line {
			appendToken(&out, w.Text)
		}
	}
	return out.String()
}

// appendToken adds token to out, with a space unless the characters on
// both sides are CJK or CJK punctuation.
func appendToken(out *strings.Builder, token string) {
	if out.Len() > 0 {
		prev := lastRune(out.String())
		next := []rune(token)[0]
		if !wide(prev) && !wide(next) {
			out.WriteByte(' ')
		}
	}
	out.WriteString(token)
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

// wide reports CJK characters and full-width punctuation, which take no
// space around them.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// trailingStamp is a time at the end of a bubble, where WhatsApp and
// Telegram print it, and what follows it there: read ticks, which OCR
// reads as a short run of marks or letters ("✓✓" as "<FiGao"). A word
// in Chinese after a time is a message ("10:30 见面") and is kept.
var trailingStamp = regexp.MustCompile(`\s*(?:(?:上午|下午|凌晨|晚上)\s*)?\d{1,2}\s*(?:[:：]\s*\d{1,2}|[.]\d{2})(?:\s*(?:AM|PM|am|pm|[ap]\.m\.))?(?:\s*[^\p{Han}\s]{1,6}){0,2}\s*$`)

// colonlessStamp is WhatsApp's time and read ticks read without the
// colon ("14:23 ✓✓" as "1423 vv", common on a JPEG): a time of day then
// two tick-like letters. Digits alone are kept (an order or card number).
var colonlessStamp = regexp.MustCompile(`\s*(?:[01]?\d|2[0-3])[0-5]\d\s*[vVyYwW✓√]{2}\s*$`)

// cleanBubble removes what an app prints inside a bubble around the
// message: the trailing time and read ticks, stray marks.
func cleanBubble(text string) string {
	text = strings.TrimSpace(text)
	if loc := colonlessStamp.FindStringIndex(text); loc != nil {
		text = strings.TrimSpace(text[:loc[0]])
	}
	if loc := trailingStamp.FindStringIndex(text); loc != nil && loc[0] > 0 {
		text = strings.TrimSpace(text[:loc[0]])
	} else if loc != nil && loc[0] == 0 {
		return "" // only a time
	}
	return text
}

// stripScale is how much to shrink the strip of a screenshot this wide:
// phone screenshots draw text 40 px or more high, and Tesseract reads
// 30 px text as well, faster.
func stripScale(width int) float64 {
	if width >= 900 {
		return 0.75
	}
	return 1
}

// shrink scales img by factor (≤ 1) and scales word boxes back in Words'
// caller by the same factor.
func shrink(img *image.Gray, factor float64) *image.Gray {
	if factor >= 1 {
		return img
	}
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, int(float64(b.Dx())*factor), int(float64(b.Dy())*factor)))
	xdraw.ApproxBiLinear.Scale(out, out.Bounds(), img, b, xdraw.Src, nil)
	return out
}
