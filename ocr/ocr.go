// Package ocr reads words off images with Tesseract 5. It runs the
// tesseract command and parses its TSV output rather than linking
// libtesseract through cgo, so the scamguard binary stays static and
// builds without C headers, a crash in Tesseract cannot take the bot down,
// and a stuck recognition is bounded by killing one process.
//
// Images are untrusted: Decode refuses oversized files and pixel counts
// (decompression bombs are caught from the header, before any pixel is
// decoded), animated images and formats it does not know, each with an
// error a user can be shown.
package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/gif"
	_ "image/jpeg" // decoders for image.Decode
	"image/png"
	"io/fs"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Errors a user can cause; the bot and the command line explain them.
var (
	// ErrNotInstalled means the tesseract command (or a language's data)
	// is missing on this machine.
	ErrNotInstalled = errors.New("OCR is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra)")
	// ErrUnsupported is a file that is not an image format we read
	// (PNG, JPEG, WebP, BMP, GIF).
	ErrUnsupported = errors.New("not an image format I can read (PNG, JPEG, WebP, BMP or a still GIF)")
	// ErrCorrupt is an image whose data cannot be decoded.
	ErrCorrupt = errors.New("the image is damaged and cannot be decoded")
	// ErrAnimated is an animated image; a screenshot is a still.
	ErrAnimated = errors.New("the image is animated; send a still screenshot")
	// ErrTooLarge is an image over the byte or pixel limit.
	ErrTooLarge = errors.New("the image is too large")
	// ErrTimeout is a recognition that took longer than the limit.
	ErrTimeout = errors.New("reading the image took too long")
)

// Defaults of Config.
const (
	DefaultCommand = "tesseract"
	// DefaultLanguages are two readings: Simplified Chinese with English,
	// and Traditional with English. One model with both scripts
	// (chi_sim+chi_tra) is slower and mixes them, writing 淘寶 for 淘宝.
	DefaultLanguages = "chi_sim+eng,chi_tra+eng"
	DefaultTimeout   = 30 * time.Second
	DefaultMaxBytes  = 20 << 20
	// DefaultMaxPixels allows a long scrolling capture (1440×20000) and
	// refuses a decompression bomb.
	DefaultMaxPixels = 30_000_000
)

// Config bounds the engine; zero fields take the defaults.
type Config struct {
	// Command is the tesseract executable (a name on PATH or a path).
	Command string
	// Languages are alternatives separated by commas, each Tesseract's
	// language codes joined by "+" ("chi_sim+eng,chi_tra+eng"): the image
	// is read with each, and the caller keeps, part by part, the most
	// confident reading.
	Languages string
	// Timeout bounds one recognition; the process is killed past it.
	Timeout time.Duration
	// MaxBytes is the largest image file accepted.
	MaxBytes int64
	// MaxPixels is the most pixels (width × height) accepted.
	MaxPixels int
	// Concurrency is how many recognitions run at once (the others wait);
	// default: the number of CPUs.
	Concurrency int
}

func (c Config) withDefaults() Config {
	if c.Command == "" {
		c.Command = DefaultCommand
	}
	if c.Languages == "" {
		c.Languages = DefaultLanguages
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = DefaultMaxPixels
	}
	if c.Concurrency <= 0 {
		c.Concurrency = runtime.NumCPU()
	}
	return c
}

// Engine runs Tesseract with bounded concurrency. It is safe for
// concurrent use.
type Engine struct {
	cfg   Config
	slots chan struct{}
}

// New builds an engine; it does not check that Tesseract is installed
// (Check does).
func New(cfg Config) *Engine {
	cfg = cfg.withDefaults()
	return &Engine{cfg: cfg, slots: make(chan struct{}, cfg.Concurrency)}
}

// Config returns the engine's settings with defaults filled in.
func (e *Engine) Config() Config { return e.cfg }

// Check reports ErrNotInstalled when the tesseract command or one of the
// configured languages is missing.
func (e *Engine) Check(ctx context.Context) error {
	path, err := exec.LookPath(e.cfg.Command)
	if err != nil {
		return ErrNotInstalled
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--list-langs").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s --list-langs: %v", ErrNotInstalled, path, err)
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		have[strings.TrimSpace(line)] = true
	}
	for _, lang := range strings.FieldsFunc(e.cfg.Languages, func(r rune) bool { return r == '+' || r == ',' }) {
		if !have[lang] {
			return fmt.Errorf("%w: Tesseract has no %q language data", ErrNotInstalled, lang)
		}
	}
	return nil
}

// Decode checks data against the limits and decodes it. The header is
// read first (image.DecodeConfig), so a small file that claims a huge
// picture is refused before any pixel is allocated.
func (e *Engine) Decode(data []byte) (image.Image, error) {
	if int64(len(data)) > e.cfg.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(data), e.cfg.MaxBytes)
	}
	config, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, ErrUnsupported
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if config.Width <= 0 || config.Height <= 0 {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrCorrupt, config.Width, config.Height)
	}
	if int64(config.Width)*int64(config.Height) > int64(e.cfg.MaxPixels) {
		return nil, fmt.Errorf("%w: %d×%d pixels, the limit is %d", ErrTooLarge, config.Width, config.Height, e.cfg.MaxPixels)
	}
	if format == "gif" {
		all, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		if len(all.Image) > 1 {
			return nil, ErrAnimated
		}
	}
	if format == "png" && isAnimatedPNG(data) {
		return nil, ErrAnimated
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return img, nil
}

// isAnimatedPNG finds an APNG animation control chunk before the image data.
func isAnimatedPNG(data []byte) bool {
	end := bytes.Index(data, []byte("IDAT"))
	if end < 0 {
		end = len(data)
	}
	return bytes.Contains(data[:end], []byte("acTL"))
}

// Word is one word Tesseract read, with its box in the image it was given.
type Word struct {
	Text string
	Box  image.Rectangle
	// Confidence is Tesseract's, 0..100.
	Confidence float64
	// Block, Paragraph and Line number the word's line in reading order.
	Block, Paragraph, Line int
}

// PageSegMode is Tesseract's --psm: how it splits the image into lines.
type PageSegMode int

// The page segmentation modes used.
const (
	// Auto finds blocks and columns (a page of unknown layout).
	Auto PageSegMode = 3
	// SingleColumn is one column of text of variable sizes.
	SingleColumn PageSegMode = 4
	// SingleBlock is one uniform block of text.
	SingleBlock PageSegMode = 6
)

// Words recognises img once per configured language set, side by side
// (each run takes one of the engine's slots; ctx bounds the wait), and
// returns one reading per set in the configured order. Comparing them
// (MeanConfidence) over a part of the image picks the script that part is
// written in. Each run of tesseract is bounded by the engine's timeout.
func (e *Engine) Words(ctx context.Context, img image.Image, mode PageSegMode) ([][]Word, error) {
	var input bytes.Buffer
	// Fast compression: the PNG only travels through a pipe.
	encoder := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := encoder.Encode(&input, img); err != nil {
		return nil, fmt.Errorf("encode image for tesseract: %w", err)
	}
	sets := strings.Split(e.cfg.Languages, ",")
	readings := make([][]Word, len(sets))
	errs := make([]error, len(sets))
	var wg sync.WaitGroup
	for i, languages := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case e.slots <- struct{}{}:
			case <-ctx.Done():
				errs[i] = fmt.Errorf("wait for an OCR slot: %w", ctx.Err())
				return
			}
			defer func() { <-e.slots }()
			readings[i], errs[i] = e.run(ctx, input.Bytes(), mode, strings.TrimSpace(languages))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return readings, nil
}

// MeanConfidence is the words' confidence averaged over their characters
// (a long word counts more than a stray mark); 0 for no words.
func MeanConfidence(words []Word) float64 {
	var sum, n float64
	for _, w := range words {
		if w.Confidence < 0 {
			continue
		}
		chars := float64(len([]rune(w.Text)))
		sum += w.Confidence * chars
		n += chars
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// run runs tesseract once on a PNG.
func (e *Engine) run(ctx context.Context, pngData []byte, mode PageSegMode, languages string) ([]Word, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.cfg.Command, "stdin", "stdout",
		"-l", languages, "--psm", strconv.Itoa(int(mode)), "tsv")
	cmd.Stdin = bytes.NewReader(pngData)
	// One thread per process: concurrency comes from the slots, and
	// OpenMP threads on top of them only fight over the same cores.
	cmd.Env = append(cmd.Environ(), "OMP_THREAD_LIMIT=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("%w (%s)", ErrTimeout, e.cfg.Timeout)
	}
	if err != nil {
		var execErr *exec.Error
		if errors.As(err, &execErr) || errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNotInstalled
		}
		return nil, fmt.Errorf("run tesseract: %v: %s", err, firstLine(stderr.String()))
	}
	return ParseTSV(stdout.Bytes())
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ParseTSV reads Tesseract's TSV output: the word rows (level 5) with
// their text, box and line numbers.
func ParseTSV(data []byte) ([]Word, error) {
	var words []Word
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 64<<10), 1<<20)
	for row := 0; scanner.Scan(); row++ {
		fields := strings.Split(scanner.Text(), "\t")
		if row == 0 || len(fields) < 12 || fields[0] != "5" {
			continue // the header, or a page, block, paragraph or line row
		}
		text := strings.TrimSpace(fields[11])
		if text == "" {
			continue
		}
		var n [9]int
		for i := range n {
			v, err := strconv.Atoi(fields[1+i])
			if err != nil {
				return nil, fmt.Errorf("tesseract TSV row %d field %d: %q is not a number", row, i+2, fields[1+i])
			}
			n[i] = v
		}
		confidence, err := strconv.ParseFloat(fields[10], 64)
		if err != nil {
			return nil, fmt.Errorf("tesseract TSV row %d: confidence %q is not a number", row, fields[10])
		}
		// level page_num block_num par_num line_num word_num left top width height conf text
		left, top, width, height := n[5], n[6], n[7], n[8]
		words = append(words, Word{
			Text: text, Box: image.Rect(left, top, left+width, top+height), Confidence: confidence,
			Block: n[1], Paragraph: n[2], Line: n[3],
		})
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read tesseract TSV: %w", err)
	}
	return words, nil
}
