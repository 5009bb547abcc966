// Package media is what the rooms share to read pictures and recordings
// people send: the download of a Telegram file (getFile and the file
// URL, bounded in bytes), a bound on how many pictures are decoded and
// read at once, and the reading of screenshots sent together (an album,
// or one after the other) as one conversation, kept in the store so that
// any replica can take the next page.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/redact"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
)

// Limits shared by the rooms.
const (
	// UserScreenshotsPerHour is how many screenshots one user may have read
	// in an hour, in every chat and on every replica together.
	UserScreenshotsPerHour = 30
	// GroupScreenshotsPerHour is how many screenshots a group may have read
	// in an hour: a busy family group's photos must not take the OCR from
	// everyone else.
	GroupScreenshotsPerHour = 20
)

// Context bounds the reading of one picture or recording by timeout
// instead of the deadline of the update's handler (ctx's values are
// kept): reading waits for a free OCR slot and can take longer than a
// text message's handling may.
func Context(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}

// PictureOf returns the file id of the picture msg carries: the largest
// size of a photo, or an image sent as a file; "" when it carries none.
func PictureOf(msg *models.Message) string {
	switch {
	case len(msg.Photo) > 0:
		return msg.Photo[len(msg.Photo)-1].FileID
	case msg.Document != nil && strings.HasPrefix(msg.Document.MimeType, "image/"):
		return msg.Document.FileID
	}
	return ""
}

// Download fetches a file through getFile and the Bot API's file URL,
// refusing more than maxBytes (ocr.ErrTooLarge).
func Download(ctx context.Context, api *tgbot.Bot, fileID string, maxBytes int64) ([]byte, error) {
	file, err := api.GetFile(ctx, &tgbot.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("get file %s: %w", fileID, err)
	}
	if file.FileSize > maxBytes {
		return nil, fmt.Errorf("%w: file of %d bytes", ocr.ErrTooLarge, file.FileSize)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, api.FileDownloadLink(file), nil)
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

// Pages reads screenshots for the rooms, at most as many at once as there
// are cores. The OCR engine already bounds its tesseract processes; this
// bounds the decoded pictures held in memory while they wait for it (up
// to the engine's pixel limit each), whatever the number of chats sending
// them.
type Pages struct {
	reader *screenshot.Reader
	slots  chan struct{}
}

// NewPages reads with reader, at most concurrency pictures at once
// (0: the number of CPUs).
func NewPages(reader *screenshot.Reader, concurrency int) *Pages {
	if concurrency <= 0 {
		concurrency = runtime.NumCPU()
	}
	return &Pages{reader: reader, slots: make(chan struct{}, concurrency)}
}

// MaxBytes is the largest picture file the engine accepts.
func (p *Pages) MaxBytes() int64 { return p.reader.Engine().Config().MaxBytes }

// Read decodes and reads one screenshot once a slot is free; ctx bounds
// the wait and the reading.
func (p *Pages) Read(ctx context.Context, data []byte) (screenshot.Page, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return screenshot.Page{}, fmt.Errorf("wait to read a screenshot: %w", ctx.Err())
	}
	defer func() { <-p.slots }()
	return p.reader.ReadPage(ctx, data)
}

// Little reports a page with too little text to check.
func Little(page screenshot.Page) bool {
	return screenshot.Reading{Turns: page.Turns}.Chars() < screenshot.MinChars
}

// AddPage adds a screenshot's page to chat's reading in the store and
// returns the turns it brings that the chat's last page did not already
// end with (a scrolled chat), and the reading after it. A page with
// little text is counted (Little) and brings nothing; the last page stays
// the one to compare the next with. Two replicas adding pages of one
// chat at once retry on the store's compare-and-set. When the store fails
// the whole page is new (the error says why).
func AddPage(ctx context.Context, st *store.Store, chat int64, page screenshot.Page) ([]screenshot.Turn, store.ScreenshotReading, error) {
	const attempts = 5
	var err error
	for range attempts {
		var r store.ScreenshotReading
		r, err = st.ScreenshotReading(ctx, chat)
		if err != nil {
			break
		}
		r.Images++
		if Little(page) {
			r.Little++
			if err = st.SaveScreenshotReading(ctx, chat, r); errors.Is(err, store.ErrConflict) {
				continue
			}
			return nil, r, err
		}
		overlap := 0
		if len(r.Last) > 0 {
			// The stored page is redacted: compare it with this page
			// redacted the same way.
			previous := screenshot.Page{Turns: fromStore(r.Last)}
			overlap = screenshot.Merge([]screenshot.Page{previous, redacted(page)}).Overlap
		}
		fresh := page.Turns[overlap:]
		read := screenshot.Reading{Turns: fresh}
		other, user := read.Counts()
		r.Other, r.User, r.Chars, r.Overlap = r.Other+other, r.User+user, r.Chars+read.Chars(), r.Overlap+overlap
		r.Last = toStore(page.Turns)
		if err = st.SaveScreenshotReading(ctx, chat, r); errors.Is(err, store.ErrConflict) {
			continue
		}
		return fresh, r, err
	}
	if Little(page) {
		return nil, store.ScreenshotReading{}, err
	}
	return page.Turns, store.ScreenshotReading{}, err
}

func redacted(page screenshot.Page) screenshot.Page {
	return screenshot.Page{Turns: fromStore(toStore(page.Turns)), Chat: page.Chat}
}

// toStore is turns as the store keeps them: redacted (the store redacts
// on save too, whoever calls it), so that a page compares equal to the
// stored copy of itself.
func toStore(turns []screenshot.Turn) []store.ScreenshotTurn {
	out := make([]store.ScreenshotTurn, len(turns))
	for i, t := range turns {
		out[i] = store.ScreenshotTurn{From: string(t.From), Text: redact.Personal(t.Text)}
	}
	return out
}

func fromStore(turns []store.ScreenshotTurn) []screenshot.Turn {
	out := make([]screenshot.Turn, len(turns))
	for i, t := range turns {
		out[i] = screenshot.Turn{From: classifier.Speaker(t.From), Text: t.Text}
	}
	return out
}
