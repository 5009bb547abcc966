// Package transcribe turns voice notes and audio files into text through
// an OpenAI-compatible /v1/audio/transcriptions endpoint (OpenAI,
// whisper.cpp's server, faster-whisper servers, vLLM), with go-openai's
// CreateTranscription. Telegram's OGG/Opus is sent as it is: these
// servers decode it.
package transcribe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/scamguard/scamguard/llm"
)

// Environment variables of the transcription endpoint, set on its own;
// the URL and key fall back to the LLM's (llm.EnvBaseURL, llm.EnvAPIKey)
// when those are set.
const (
	EnvURL   = "SCAMGUARD_TRANSCRIBE_URL"
	EnvModel = "SCAMGUARD_TRANSCRIBE_MODEL"
	EnvKey   = "SCAMGUARD_TRANSCRIBE_KEY"
)

// Defaults.
const (
	DefaultModel   = "whisper-1"
	DefaultTimeout = 60 * time.Second
	// DefaultMaxBytes is the largest audio file sent (Telegram lets a bot
	// download 20 MB).
	DefaultMaxBytes = 20 << 20
	// DefaultMaxSeconds is the longest voice note transcribed.
	DefaultMaxSeconds = 300
)

// Errors a user can cause or meet.
var (
	// ErrNotConfigured means no endpoint is set: ask for a screenshot or
	// the words typed instead.
	ErrNotConfigured = errors.New("no transcription endpoint is configured (" + EnvURL + " or " + llm.EnvBaseURL + "/" + llm.EnvAPIKey + ")")
	// ErrTooLong is audio over the duration limit.
	ErrTooLong = errors.New("the recording is too long")
	// ErrTooLarge is audio over the byte limit.
	ErrTooLarge = errors.New("the audio file is too large")
	// ErrEmpty is a transcription with no words in it.
	ErrEmpty = errors.New("no words could be heard in the recording")
)

// Config is the endpoint and its bounds.
type Config struct {
	// BaseURL is the server's API root ("https://api.openai.com/v1",
	// "http://localhost:8080/v1"); empty with an APIKey means OpenAI.
	BaseURL string
	Model   string
	// APIKey is sent as a bearer token; never logged.
	APIKey     string
	Timeout    time.Duration
	MaxBytes   int64
	MaxSeconds int
}

// Enabled reports whether an endpoint is configured.
func (c Config) Enabled() bool { return c.BaseURL != "" || c.APIKey != "" }

func (c Config) withDefaults() Config {
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxSeconds <= 0 {
		c.MaxSeconds = DefaultMaxSeconds
	}
	return c
}

// Transcriber calls the endpoint. A nil *Transcriber, or one built from a
// configuration without an endpoint, answers ErrNotConfigured.
type Transcriber struct {
	cfg    Config
	client *openai.Client
}

// New builds a transcriber; with no endpoint configured it returns nil.
func New(cfg Config) *Transcriber {
	if !cfg.Enabled() {
		return nil
	}
	cfg = cfg.withDefaults()
	clientConfig := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		clientConfig.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	return &Transcriber{cfg: cfg, client: openai.NewClientWithConfig(clientConfig)}
}

// Limits returns the byte and duration limits in force.
func (t *Transcriber) Limits() (maxBytes int64, maxSeconds int) {
	if t == nil {
		c := Config{}.withDefaults()
		return c.MaxBytes, c.MaxSeconds
	}
	return t.cfg.MaxBytes, t.cfg.MaxSeconds
}

// Transcribe sends audio (named name, e.g. "voice.ogg"; seconds long, 0
// when unknown) and returns its text.
func (t *Transcriber) Transcribe(ctx context.Context, name string, audio []byte, seconds int) (string, error) {
	if t == nil {
		return "", ErrNotConfigured
	}
	if int64(len(audio)) > t.cfg.MaxBytes {
		return "", fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(audio), t.cfg.MaxBytes)
	}
	if seconds > t.cfg.MaxSeconds {
		return "", fmt.Errorf("%w: %d s, the limit is %d s", ErrTooLong, seconds, t.cfg.MaxSeconds)
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	resp, err := t.client.CreateTranscription(ctx, openai.AudioRequest{
		Model: t.cfg.Model, FilePath: name, Reader: bytes.NewReader(audio), Format: openai.AudioResponseFormatJSON,
	})
	if err != nil {
		return "", fmt.Errorf("transcribe %s with %s: %w", name, t.cfg.Model, err)
	}
	text := strings.TrimSpace(resp.Text)
	if text == "" {
		return "", ErrEmpty
	}
	return text, nil
}
