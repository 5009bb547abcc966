package transcribe_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/scamguard/scamguard/transcribe"
	"github.com/scamguard/scamguard/transcribe/transcribetest"
)

// oggVoice is the start of an OGG/Opus voice note, as Telegram sends one.
var oggVoice = []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00OpusHead voice note 1")

func TestTranscribeAgainstFakeServer(t *testing.T) {
	server := transcribetest.New(t)
	server.Script(oggVoice, "他说他是淘宝客服，让我买礼品卡")
	tr := transcribe.New(transcribe.Config{BaseURL: server.URL(), APIKey: "sk-test", Model: "whisper-large-v3"})
	text, err := tr.Transcribe(context.Background(), "voice.ogg", oggVoice, 12)
	if err != nil {
		t.Fatal(err)
	}
	if text != "他说他是淘宝客服，让我买礼品卡" {
		t.Errorf("text = %q", text)
	}
	reqs := server.Requests()
	if len(reqs) != 1 || reqs[0].Model != "whisper-large-v3" || reqs[0].Filename != "voice.ogg" || string(reqs[0].Audio) != string(oggVoice) || reqs[0].Auth != "Bearer sk-test" || reqs[0].Format != "json" {
		t.Errorf("request = %+v", reqs)
	}
}

func TestTranscribeErrors(t *testing.T) {
	server := transcribetest.New(t)
	tr := transcribe.New(transcribe.Config{BaseURL: server.URL(), MaxBytes: 100, MaxSeconds: 60})
	tests := []struct {
		name    string
		audio   []byte
		seconds int
		status  int
		want    error
	}{
		{"too long", oggVoice, 61, 0, transcribe.ErrTooLong},
		{"too large", make([]byte, 101), 5, 0, transcribe.ErrTooLarge},
		{"nothing heard", oggVoice, 5, 0, transcribe.ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tr.Transcribe(context.Background(), "voice.ogg", tt.audio, tt.seconds)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	server.FailWith(http.StatusInternalServerError)
	if _, err := tr.Transcribe(context.Background(), "voice.ogg", oggVoice, 5); err == nil {
		t.Error("a 500 gave no error")
	}
	var none *transcribe.Transcriber
	if _, err := none.Transcribe(context.Background(), "voice.ogg", oggVoice, 5); !errors.Is(err, transcribe.ErrNotConfigured) {
		t.Errorf("no endpoint: err = %v", err)
	}
}
