package screenshot

import (
	"image"
	"image/color"
	"image/draw"
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

// regions labels the image's flat-colour areas and returns those of at
// least minPixels. Each pixel is visited once (a flood fill per region),
// so the cost is linear in the pixels.
func regions(img *image.RGBA, minPixels int) []region {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	labelled := make([]bool, w*h)
	stack := make([]int32, 0, 1024)
	var found []region
	pix := img.Pix
	for start := range labelled {
		if labelled[start] {
			continue
		}
		seed := color.RGBA{pix[4*start], pix[4*start+1], pix[4*start+2], 255}
		r := region{colour: seed, box: image.Rect(start%w, start/w, start%w+1, start/w+1)}
		labelled[start] = true
		stack = append(stack[:0], int32(start))
		for len(stack) > 0 {
			i := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			r.pixels++
			x, y := i%w, i/w
			if x < r.box.Min.X {
				r.box.Min.X = x
			}
			if x >= r.box.Max.X {
				r.box.Max.X = x + 1
			}
			if y >= r.box.Max.Y {
				r.box.Max.Y = y + 1
			}
			// Four neighbours.
			for k := 0; k < 4; k++ {
				var j int
				switch k {
				case 0:
					if x == 0 {
						continue
					}
					j = i - 1
				case 1:
					if x == w-1 {
						continue
					}
					j = i + 1
				case 2:
					if y == 0 {
						continue
					}
					j = i - w
				default:
					if y == h-1 {
						continue
					}
					j = i + w
				}
				if labelled[j] || !near(pix[4*j:4*j+3], seed) {
					continue
				}
				labelled[j] = true
				stack = append(stack, int32(j))
			}
		}
		if r.pixels >= minPixels {
			found = append(found, r)
		}
	}
	return found
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
