package group

import (
	"context"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
)

// mediaTimeout bounds downloading and reading one picture, and recording
// what it brought.
const mediaTimeout = 90 * time.Second

// onGroupMedia reads a screenshot a member posts in a family group, as
// the group's thread: the turns it brings (the overlap with the group's
// previous screenshot dropped) are recorded like messages, the left
// bubbles the other party's and the right ones the member's, then its
// caption, and the group is warned once for all of it as for text
// (policy, cool-down, hourly warning budget), or answered when the
// caption asks the bot (asked). An album is one message to the group: it
// is warned about once, by the first of its pages that calls for it.
// A group hears the bot only when it matters: nothing is said about the
// picture itself (no "typing", no "I read…", no error), a quiet or muted
// group's pictures are not read at all (nothing automatic would be said),
// and the group's and the member's hourly screenshot budgets bound the
// OCR a group can take. It reports whether it handled the message; when
// it did not (the picture unread, the store failing), the caption is the
// caller's to handle as text.
func (b *Groups) onGroupMedia(ctx context.Context, msg *models.Message, asked bool, received time.Time) bool {
	fileID := media.PictureOf(msg)
	if fileID == "" || b.cfg.Screenshots == nil {
		return false
	}
	chat := msg.Chat.ID
	settings := b.Settings(ctx, chat)
	if settings.Quiet || settings.Muted || !b.allowScreenshot(ctx, chat, msg.From) {
		return false
	}
	// Reading may outlast the handler's deadline; recording what was read
	// must not be left without time.
	ctx, cancel := media.Context(ctx, mediaTimeout)
	defer cancel()
	page, ok := b.readGroupPicture(ctx, chat, fileID)
	if !ok {
		return false
	}
	fresh, _, err := media.AddPage(ctx, b.Store, chat, page)
	if err != nil {
		// No thread to add to: the caption, if any, is judged alone.
		b.Degrade("store", err)
		return false
	}
	entries := make([]store.Entry, 0, len(fresh)+1)
	for i, turn := range fresh {
		entries = append(entries, store.Entry{ID: int64(msg.ID)*100 + int64(i), From: string(turn.From), Text: turn.Text, Time: time.Unix(int64(msg.Date), 0)})
	}
	if caption := strings.TrimSpace(msg.Caption); caption != "" {
		entries = append(entries, conversation.MessageEntry(msg, caption, groupSpeaker(msg)))
	}
	verdict, before, conv, ok := b.recordEntries(ctx, chat, entries)
	if !ok {
		return false
	}
	if len(entries) == 0 {
		return true
	}
	if len(fresh) > 0 && conv.Seq == int64(len(entries)) {
		// The thread started afresh with this page (a quiet group), and
		// starting afresh forgets the last page: keep this one as the page
		// the group's next screenshot may overlap.
		if _, _, err := media.AddPage(ctx, b.Store, chat, page); err != nil {
			b.Degrade("store", err)
		}
	}
	switch {
	case asked:
		b.answerCheck(ctx, chat, msg.ID, msg.From, b.judgeGroup(ctx, chat, msg.From, verdict, conv), conv.Settings)
	case msg.MediaGroupID != "" && b.albumWarned(chat, msg.MediaGroupID):
		// This album's warning went out with an earlier page.
	case b.maybeWarn(ctx, chat, msg, verdict, before, int(conv.Seq-1), conv) && msg.MediaGroupID != "":
		b.warnedAlbums.Store(chat, msg.MediaGroupID)
	}
	b.Metrics.HandleTime.Observe(time.Since(received).Seconds())
	return true
}

// readGroupPicture downloads and reads a group's picture; what fails is
// logged, never said.
func (b *Groups) readGroupPicture(ctx context.Context, chat int64, fileID string) (screenshot.Page, bool) {
	data, err := media.Download(ctx, b.API, fileID, b.cfg.Screenshots.MaxBytes())
	if err != nil {
		b.Log.Info("group picture not downloaded", "chat", chat, "err", err)
		return screenshot.Page{}, false
	}
	page, err := b.cfg.Screenshots.Read(ctx, data)
	if err != nil {
		b.Log.Info("group picture not read", "chat", chat, "err", err)
		return screenshot.Page{}, false
	}
	return page, true
}

// recordEntries adds entries to the group's thread in order and returns
// the verdict after the last, the level before the first, and the thread;
// ok is false when the store failed.
func (b *Groups) recordEntries(ctx context.Context, chat int64, entries []store.Entry) (verdict classifier.Verdict, before classifier.Level, conv store.Conversation, ok bool) {
	for i, entry := range entries {
		v, was, c, err := b.recordGroup(ctx, chat, entry)
		if err != nil {
			b.Degrade("store", err)
			return verdict, before, conv, false
		}
		if i == 0 {
			before = was
		}
		verdict, conv = v, c
	}
	return verdict, before, conv, true
}

// albumWarned reports whether the group's last album warning was about
// album. Its pages come one update each, in order on the group's lane.
func (b *Groups) albumWarned(chat int64, album string) bool {
	last, ok := b.warnedAlbums.Load(chat)
	return ok && last == album
}

// allowScreenshot counts a picture against the group's and the poster's
// hourly screenshot budgets; a store that fails reads nothing (a group's
// pictures can wait, the OCR cannot be shared out without the counts).
func (b *Groups) allowScreenshot(ctx context.Context, chat int64, poster *models.User) bool {
	allowed, err := b.Store.AllowScreenshot(ctx, chat, media.GroupScreenshotsPerHour)
	if err == nil && allowed && poster != nil {
		allowed, err = b.Store.AllowScreenshot(ctx, poster.ID, media.UserScreenshotsPerHour)
	}
	if err != nil {
		b.Degrade("store", err)
		return false
	}
	if !allowed {
		b.Log.Info("group screenshot budget spent; picture not read", "chat", chat)
	}
	return allowed
}
