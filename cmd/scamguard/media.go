package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/transcribe"
)

// mediaKind is what a check input is, by its content (not its name).
type mediaKind int

const (
	mediaText mediaKind = iota
	mediaImage
	mediaAudio
)

// sniffMedia tells images and audio from text by their first bytes.
func sniffMedia(data []byte) mediaKind {
	kind := http.DetectContentType(data)
	switch {
	case strings.HasPrefix(kind, "image/"):
		return mediaImage
	case strings.HasPrefix(kind, "audio/"), kind == "application/ogg", kind == "video/webm":
		return mediaAudio
	case len(data) > 12 && string(data[4:8]) == "ftyp" && (string(data[8:11]) == "M4A" || string(data[8:12]) == "isom" || string(data[8:12]) == "mp42"):
		return mediaAudio
	}
	return mediaText
}

// media reads screenshots and audio for check; the OCR engine is built
// and checked once, on first use.
type media struct {
	once   sync.Once
	reader *screenshot.Reader
	err    error
}

func (m *media) screenshots() (*screenshot.Reader, error) {
	m.once.Do(func() {
		engine := ocr.New(ocr.Config{})
		if m.err = engine.Check(context.Background()); m.err == nil {
			m.reader = screenshot.New(engine)
		}
	})
	return m.reader, m.err
}

// errLittleText is a picture with too little text to check.
var errLittleText = errors.New("too little text could be read from the image: send a clearer screenshot, or paste the text")

// readImages reads screenshots as one conversation.
func (m *media) readImages(images [][]byte) (screenshot.Reading, error) {
	reader, err := m.screenshots()
	if err != nil {
		return screenshot.Reading{}, err
	}
	reading, err := reader.Read(context.Background(), images)
	if err != nil {
		return screenshot.Reading{}, fmt.Errorf("read screenshot: %w", err)
	}
	if reading.Chars() < screenshot.MinChars {
		return reading, errLittleText
	}
	return reading, nil
}

// readAudio transcribes an audio file: the user's own recording of what a
// caller said, so the text is the user's retelling.
func readAudio(name string, data []byte) (classifier.Conversation, error) {
	opts, err := envSettings(append(append([]option(nil), llmOptions...), transcribeOptions...), os.Getenv)
	if err != nil {
		return classifier.Conversation{}, err
	}
	tr := transcribe.New(opts.transcribe)
	if tr == nil {
		return classifier.Conversation{}, fmt.Errorf("%w: send a screenshot or type what they said", transcribe.ErrNotConfigured)
	}
	text, err := tr.Transcribe(context.Background(), filepath.Base(name), data, 0)
	if err != nil {
		return classifier.Conversation{}, err
	}
	return classifier.Conversation{Messages: []classifier.Message{{From: classifier.SpeakerUser, Text: text}}}, nil
}

// printTurns writes the turns read, one a line, with their speakers, as
// the classifier sees them: a pasted transcript inside a message shows
// its own turns.
func printTurns(w io.Writer, c *classifier.Classifier, conv classifier.Conversation) {
	for _, m := range conv.Messages {
		for _, turn := range c.Turns(m.Text, m.From) {
			fmt.Fprintf(w, "%s: %s\n", turn.From, strings.ReplaceAll(m.Text[turn.Start:turn.End], "\n", " "))
		}
	}
	fmt.Fprintln(w)
}

// batchImageLine is a --batch line that names screenshots instead of
// giving messages: {"id":..,"image":"a.png"} or {"id":..,"images":[..]}.
type batchImageLine struct {
	ID     json.RawMessage `json:"id"`
	Image  string          `json:"image"`
	Images []string        `json:"images"`
}

// batchImages returns the line's image paths, or nil for a line of
// messages.
func batchImages(data []byte) (batchImageLine, bool) {
	if !bytes.Contains(data, []byte(`"image`)) {
		return batchImageLine{}, false
	}
	var line batchImageLine
	if err := json.Unmarshal(data, &line); err != nil || (line.Image == "" && len(line.Images) == 0) {
		return batchImageLine{}, false
	}
	if line.Image != "" {
		line.Images = append([]string{line.Image}, line.Images...)
	}
	return line, true
}

// readImageFiles reads the screenshots at paths as one conversation.
func (m *media) readImageFiles(paths []string) (classifier.Conversation, error) {
	images := make([][]byte, len(paths))
	for i, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return classifier.Conversation{}, fmt.Errorf("read image: %w", err)
		}
		images[i] = data
	}
	reading, err := m.readImages(images)
	if err != nil {
		return classifier.Conversation{}, err
	}
	return reading.Conversation(), nil
}
