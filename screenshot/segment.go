package screenshot

import (
	"image"
	"image/color"
	"image/draw"
	"slices"
)

// region is a connected area of one flat colour: a bubble, the page
// background, a header band, an avatar.
type region struct {
	box    image.Rectangle
	colour color.RGBA
	pixels int
}

// colourTolerance is how far (per channel) a pixel may be from a region's
// first pixel and still belong to it: above JPEG noise on flat colour,
// below the gap between a bubble and the page (iMessage's grey bubble on
// white is 22 apart).
const colourTolerance = 10

// toRGBA gives img as *image.RGBA, converting when needed.
func toRGBA(img image.Image) *image.RGBA {
	if rgba, ok := img.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return rgba
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	return rgba
}

// flatTolerance is how far (per channel) the pixels around a seed may be
// from it: a region starts only where the picture is flat, never on the
// anti-aliased edge of a box or the ringing that JPEG leaves around text,
// whose colour is neither the box's nor the page's.
const flatTolerance = 6

// coreTolerance is how far from its seed a pixel of a region's core may
// be: the cores give the picture's palette, so they take only what is
// surely the seed's colour.
const coreTolerance = 4

// paletteMerge is how close (per channel) two cores' colours must be to
// be one colour of the palette: JPEG noise parts one flat box into cores a
// step or two apart, while apps keep distinct surfaces further apart
// (Telegram's dark header and bubbles are 8 apart).
const paletteMerge = 5

// regions labels the image's flat-colour areas and returns those of at
// least minPixels.
//
// It works in two passes so that JPEG noise (ringing around text, chroma
// subsampling, 8×8 blocks a shade off) neither splits a box nor lets it
// leak into a neighbour of a close colour (dark themes put the page, the
// header and the bubbles 10 to 20 apart). First the palette: cores grown
// from flat seeds over pixels within coreTolerance of the seed, their
// colours merged when nearly the same. Then every pixel takes the palette
// colour nearest to it (within colourTolerance, else none), and a region
// is a connected area of one palette colour; its colour is the mean of
// its pixels. Each pass visits each pixel once (a flood fill per region),
// so the cost is linear in the pixels.
func regions(img *image.RGBA, minPixels int) []region {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pix := img.Pix
	palette := dominantColours(img, max(minPixels/4, 1))
	label := make([]int16, w*h)
	// Flat areas repeat a colour pixel after pixel: remember the last.
	cache := map[uint32]int16{}
	last, lastLabel := uint32(1<<24), int16(-1)
	for i := range label {
		key := uint32(pix[4*i])<<16 | uint32(pix[4*i+1])<<8 | uint32(pix[4*i+2])
		if key != last {
			l, ok := cache[key]
			if !ok {
				l = -1
				best := colourTolerance + 1
				for k, c := range palette {
					if d := max(diff(pix[4*i], c.R), diff(pix[4*i+1], c.G), diff(pix[4*i+2], c.B)); d < best {
						best, l = d, int16(k)
					}
				}
				cache[key] = l
			}
			last, lastLabel = key, l
		}
		label[i] = lastLabel
	}
	labelled := make([]bool, w*h)
	var found []region
	for start := range labelled {
		if labelled[start] || label[start] < 0 {
			continue
		}
		l := label[start]
		if r := grow(img, start, labelled, func(j int) bool { return label[j] == l }); r.pixels >= minPixels {
			found = append(found, r)
		}
	}
	return found
}

// dominantColours returns the picture's palette: the colours of the flat
// cores of at least minPixels, most common first, those nearly the same
// merged.
func dominantColours(img *image.RGBA, minPixels int) []color.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pix := img.Pix
	labelled := make([]bool, w*h)
	var cores []region
	for start := range labelled {
		if labelled[start] {
			continue
		}
		seed, ok := flatAt(img, start%w, start/w)
		if !ok {
			continue
		}
		r := grow(img, start, labelled, func(j int) bool {
			return diff(pix[4*j], seed.R) <= coreTolerance && diff(pix[4*j+1], seed.G) <= coreTolerance && diff(pix[4*j+2], seed.B) <= coreTolerance
		})
		if r.pixels >= minPixels {
			cores = append(cores, r)
		}
	}
	slices.SortStableFunc(cores, func(a, b region) int { return b.pixels - a.pixels })
	type entry struct{ r, g, b, n int }
	var merged []entry
	for _, c := range cores {
		folded := false
		for k := range merged {
			e := &merged[k]
			mean := color.RGBA{uint8(e.r / e.n), uint8(e.g / e.n), uint8(e.b / e.n), 255}
			if max(diff(mean.R, c.colour.R), diff(mean.G, c.colour.G), diff(mean.B, c.colour.B)) <= paletteMerge {
				e.r, e.g, e.b, e.n = e.r+int(c.colour.R)*c.pixels, e.g+int(c.colour.G)*c.pixels, e.b+int(c.colour.B)*c.pixels, e.n+c.pixels
				folded = true
				break
			}
		}
		if !folded {
			merged = append(merged, entry{int(c.colour.R) * c.pixels, int(c.colour.G) * c.pixels, int(c.colour.B) * c.pixels, c.pixels})
		}
		if len(merged) == 1<<15-1 {
			break
		}
	}
	palette := make([]color.RGBA, len(merged))
	for k, e := range merged {
		palette[k] = color.RGBA{uint8(e.r / e.n), uint8(e.g / e.n), uint8(e.b / e.n), 255}
	}
	return palette
}

// grow flood-fills from start over the unlabelled pixels that accept
// takes, four-connected, labelling them, and returns the region with its
// mean colour.
func grow(img *image.RGBA, start int, labelled []bool, accept func(j int) bool) region {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	pix := img.Pix
	r := region{box: image.Rect(start%w, start/w, start%w+1, start/w+1)}
	var sumR, sumG, sumB int
	labelled[start] = true
	stack := []int32{int32(start)}
	for len(stack) > 0 {
		i := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		r.pixels++
		sumR, sumG, sumB = sumR+int(pix[4*i]), sumG+int(pix[4*i+1]), sumB+int(pix[4*i+2])
		x, y := i%w, i/w
		r.box.Min.X, r.box.Max.X = min(r.box.Min.X, x), max(r.box.Max.X, x+1)
		r.box.Min.Y, r.box.Max.Y = min(r.box.Min.Y, y), max(r.box.Max.Y, y+1)
		for k, j := range [4]int{i - 1, i + 1, i - w, i + w} {
			if (k == 0 && x == 0) || (k == 1 && x == w-1) || (k == 2 && y == 0) || (k == 3 && y == h-1) {
				continue
			}
			if labelled[j] || !accept(j) {
				continue
			}
			labelled[j] = true
			stack = append(stack, int32(j))
		}
	}
	r.colour = color.RGBA{uint8(sumR / r.pixels), uint8(sumG / r.pixels), uint8(sumB / r.pixels), 255}
	return r
}

// flatAt reports whether the 3×3 neighbourhood of (x, y) is flat (every
// pixel within flatTolerance of the centre) and gives its mean colour.
func flatAt(img *image.RGBA, x, y int) (color.RGBA, bool) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if x == 0 || y == 0 || x == w-1 || y == h-1 {
		return color.RGBA{}, false
	}
	pix := img.Pix
	c := img.PixOffset(x, y)
	var sumR, sumG, sumB int
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			i := c + dy*img.Stride + 4*dx
			if diff(pix[i], pix[c]) > flatTolerance || diff(pix[i+1], pix[c+1]) > flatTolerance || diff(pix[i+2], pix[c+2]) > flatTolerance {
				return color.RGBA{}, false
			}
			sumR, sumG, sumB = sumR+int(pix[i]), sumG+int(pix[i+1]), sumB+int(pix[i+2])
		}
	}
	return color.RGBA{uint8(sumR / 9), uint8(sumG / 9), uint8(sumB / 9), 255}, true
}

func near(p []uint8, c color.RGBA) bool {
	return diff(p[0], c.R) <= colourTolerance && diff(p[1], c.G) <= colourTolerance && diff(p[2], c.B) <= colourTolerance
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// luminance is a colour's brightness, 0..255.
func luminance(c color.RGBA) int {
	return (299*int(c.R) + 587*int(c.G) + 114*int(c.B)) / 1000
}
