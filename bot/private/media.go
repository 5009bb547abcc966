package private

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// mediaTexts are what the bot says about photos and voice notes.
type mediaTexts struct {
	NoOCR       string `yaml:"no_ocr"`
	BadImage    string `yaml:"bad_image"`
	ImageFailed string `yaml:"image_failed"`
	NoVoice     string `yaml:"no_voice"`
	VoiceFailed string `yaml:"voice_failed"`
	SlowDown    string `yaml:"slow_down"`
}

//go:embed media_texts.yaml
var mediaTextsYAML []byte

var (
	mediaTextsOnce sync.Once
	mediaTextsAll  map[string]mediaTexts
	mediaTextsErr  error
)

func mediaTextsIn(lang string) mediaTexts {
	mediaTextsOnce.Do(func() {
		mediaTextsAll, mediaTextsErr = conversation.LoadLangTexts[mediaTexts]("media texts", mediaTextsYAML)
	})
	if mediaTextsErr != nil {
		panic(mediaTextsErr) // embedded: a build mistake, caught by the tests
	}
	t, ok := mediaTextsAll[lang]
	if !ok {
		t = mediaTextsAll["zh"]
	}
	return t
}

// Limits of media handling.
const (
	// screenshotsPerHour is how many pictures one user may have read in
	// an hour (in this process).
	screenshotsPerHour = 30
	// mediaTimeout bounds downloading and reading one photo or voice note.
	mediaTimeout = 90 * time.Second
)

// mediaState is the bot's in-process memory for media: the last page read
// per chat (to drop the overlap of the next screenshot of an album or a
// burst) and each user's recent screenshots (the per-user limit).
type mediaState struct {
	mu       sync.Mutex
	lastPage map[int64]screenshot.Page
	recent   map[int64][]time.Time
}

// allow records a screenshot for user and reports whether it is within
// the hourly limit.
func (m *mediaState) allow(user int64, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.recent == nil {
		m.recent = map[int64][]time.Time{}
	}
	kept := m.recent[user][:0]
	for _, at := range m.recent[user] {
		if now.Sub(at) < time.Hour {
			kept = append(kept, at)
		}
	}
	if len(kept) >= screenshotsPerHour {
		m.recent[user] = kept
		return false
	}
	m.recent[user] = append(kept, now)
	return true
}

// newTurns returns the turns of page that the chat's previous page did
// not already end with, and remembers page.
func (m *mediaState) newTurns(chat int64, page screenshot.Page) []screenshot.Turn {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lastPage == nil {
		m.lastPage = map[int64]screenshot.Page{}
	}
	previous, seen := m.lastPage[chat]
	m.lastPage[chat] = page
	if !seen {
		return page.Turns
	}
	merged := screenshot.Merge([]screenshot.Page{previous, page})
	return page.Turns[merged.Overlap:]
}

// onPrivateMedia reads a photo, an image document, a voice note or an
// audio file in a private chat; it reports false for other media.
func (b *Chats) onPrivateMedia(ctx context.Context, msg *models.Message, received time.Time) bool {
	switch {
	case len(msg.Photo) > 0:
		largest := msg.Photo[len(msg.Photo)-1]
		b.readPhoto(ctx, msg, largest.FileID, received)
	case msg.Document != nil && strings.HasPrefix(msg.Document.MimeType, "image/"):
		b.readPhoto(ctx, msg, msg.Document.FileID, received)
	case msg.Voice != nil:
		b.readVoice(ctx, msg, msg.Voice.FileID, msg.Voice.Duration, "voice.ogg", received)
	case msg.Audio != nil:
		b.readVoice(ctx, msg, msg.Audio.FileID, msg.Audio.Duration, "audio"+audioExtension(msg.Audio.MimeType), received)
	default:
		return false
	}
	return true
}

func audioExtension(mime string) string {
	switch mime {
	case "audio/mpeg":
		return ".mp3"
	case "audio/mp4", "audio/x-m4a":
		return ".m4a"
	case "audio/wav", "audio/x-wav":
		return ".wav"
	}
	return ".ogg"
}

// readPhoto downloads and reads a screenshot, says what it read, and adds
// the turns to the conversation like forwarded messages.
func (b *Chats) readPhoto(ctx context.Context, msg *models.Message, fileID string, received time.Time) {
	chat := msg.Chat.ID
	settings := b.Settings(ctx, chat)
	lang := conversation.UILang(settings, msg.From)
	t := mediaTextsIn(lang)
	if b.screenshots == nil {
		b.SendText(chat, false, "no_ocr", t.NoOCR, msg.ID)
		return
	}
	if msg.From != nil && !b.media.allow(msg.From.ID, received) {
		b.SendText(chat, false, "slow_down", t.SlowDown, msg.ID)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	b.typing(ctx, chat)
	maxBytes := b.screenshots.Engine().Config().MaxBytes
	data, err := b.download(ctx, fileID, maxBytes)
	var page screenshot.Page
	if err == nil {
		page, err = b.screenshots.ReadPage(ctx, data)
	}
	switch {
	case errors.Is(err, ocr.ErrUnsupported), errors.Is(err, ocr.ErrCorrupt), errors.Is(err, ocr.ErrAnimated), errors.Is(err, ocr.ErrTooLarge):
		b.SendText(chat, false, "bad_image", t.BadImage, msg.ID)
		return
	case errors.Is(err, ocr.ErrNotInstalled):
		b.Log.Error("read screenshot: OCR is not installed", "err", err)
		b.SendText(chat, false, "no_ocr", t.NoOCR, msg.ID)
		return
	case err != nil:
		b.Log.Warn("read screenshot", "chat", chat, "err", err)
		b.SendText(chat, false, "image_failed", t.ImageFailed, msg.ID)
		return
	}
	turns := b.media.newTurns(chat, page)
	reading := screenshot.Reading{Turns: page.Turns, Images: 1}
	// Said in the chat's language when one is set, else in the script of
	// the screenshot.
	summary, little := reading.Summary(settings.Language)
	if little {
		b.SendText(chat, false, "screenshot_little", summary, msg.ID)
		return
	}
	b.SendText(chat, false, "screenshot_read", summary, msg.ID)
	for i, turn := range turns {
		entry := store.Entry{ID: int64(msg.ID)*100 + int64(i), From: string(turn.From), Text: turn.Text, Time: time.Unix(int64(msg.Date), 0)}
		b.observeEntry(ctx, msg, entry, received)
	}
}

// readVoice transcribes a voice note or audio file. A forwarded one is the
// other party's words; the user's own is the user speaking (retelling a
// call, asking).
func (b *Chats) readVoice(ctx context.Context, msg *models.Message, fileID string, seconds int, name string, received time.Time) {
	chat := msg.Chat.ID
	t := mediaTextsIn(conversation.UILang(b.Settings(ctx, chat), msg.From))
	if b.transcriber == nil {
		b.SendText(chat, false, "no_voice", t.NoVoice, msg.ID)
		return
	}
	maxBytes, maxSeconds := b.transcriber.Limits()
	if seconds > maxSeconds {
		b.SendText(chat, false, "voice_failed", t.VoiceFailed, msg.ID)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	b.typing(ctx, chat)
	data, err := b.download(ctx, fileID, maxBytes)
	var text string
	if err == nil {
		text, err = b.transcriber.Transcribe(ctx, name, data, seconds)
	}
	if err != nil {
		if !errors.Is(err, transcribe.ErrEmpty) {
			b.Log.Warn("transcribe", "chat", chat, "err", err)
		}
		b.SendText(chat, false, "voice_failed", t.VoiceFailed, msg.ID)
		return
	}
	from := classifier.SpeakerUser
	if msg.ForwardOrigin != nil {
		from = speakerOf(msg)
	}
	entry := conversation.MessageEntry(msg, text, from)
	b.observeEntry(ctx, msg, entry, received)
}

// typing shows "typing…" while a picture or recording is read.
func (b *Chats) typing(ctx context.Context, chat int64) {
	if _, err := b.API.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: chat, Action: models.ChatActionTyping}); err != nil {
		b.Log.Debug("send chat action", "chat", chat, "err", err)
	}
}

// download fetches a file through getFile and the Bot API's file URL,
// refusing more than maxBytes.
func (b *Chats) download(ctx context.Context, fileID string, maxBytes int64) ([]byte, error) {
	file, err := b.API.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("get file %s: %w", fileID, err)
	}
	if file.FileSize > maxBytes {
		return nil, fmt.Errorf("%w: file of %d bytes", ocr.ErrTooLarge, file.FileSize)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.API.FileDownloadLink(file), nil)
	if err != nil {
		return nil, fmt.Errorf("download file %s: %w", fileID, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		// The URL holds the token: say which file, not the URL.
		return nil, fmt.Errorf("download file %s: %w", fileID, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file %s: status %d", fileID, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("download file %s: %w", fileID, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: file over %d bytes", ocr.ErrTooLarge, maxBytes)
	}
	return data, nil
}
