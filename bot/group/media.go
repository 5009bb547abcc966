package group

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// mediaTimeout bounds downloading and reading one picture.
const mediaTimeout = 90 * time.Second

// onGroupMedia reads a screenshot a member posts in a family group, as
// the group's thread: the turns it brings (the overlap with the group's
// previous screenshot dropped) are recorded like messages, the left
// bubbles the other party's and the right ones the member's, and the
// group is warned as for text (policy, cool-down, hourly warning budget).
// A group hears the bot only when it matters: nothing is said about the
// picture itself (no "typing", no "I read…", no error), a quiet or muted
// group's pictures are not read at all (nothing automatic would be said),
// and the group's and the member's hourly screenshot budgets bound the
// OCR a group can take.
func (b *Groups) onGroupMedia(ctx context.Context, msg *models.Message, received time.Time) {
	fileID := media.PictureOf(msg)
	if fileID == "" || b.cfg.Screenshots == nil {
		return
	}
	chat := msg.Chat.ID
	settings := b.Settings(ctx, chat)
	if settings.Quiet || settings.Muted || !b.allowScreenshot(ctx, chat, msg.From) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, mediaTimeout)
	defer cancel()
	data, err := media.Download(ctx, b.API, fileID, b.cfg.Screenshots.MaxBytes())
	if err != nil {
		b.Log.Info("group picture not downloaded", "chat", chat, "err", err)
		return
	}
	page, err := b.cfg.Screenshots.Read(ctx, data)
	if err != nil {
		b.Log.Info("group picture not read", "chat", chat, "err", err)
		return
	}
	fresh, _, err := media.AddPage(ctx, b.Store, chat, page)
	if err != nil {
		b.Degrade("store", err)
		return // no thread to add to, no budget to count against
	}
	var (
		verdict classifier.Verdict
		before  classifier.Level
		conv    store.Conversation
	)
	for i, turn := range fresh {
		entry := store.Entry{ID: int64(msg.ID)*100 + int64(i), From: string(turn.From), Text: turn.Text, Time: time.Unix(int64(msg.Date), 0)}
		v, was, c, err := b.recordGroup(ctx, chat, entry)
		if err != nil {
			b.Degrade("store", err)
			return
		}
		if i == 0 {
			before = was
		}
		verdict, conv = v, c
	}
	if len(fresh) == 0 {
		return
	}
	if conv.Seq == int64(len(fresh)) {
		// The thread started afresh with this page (a quiet group), and
		// starting afresh forgets the last page: keep this one as the page
		// the group's next screenshot may overlap.
		if _, _, err := media.AddPage(ctx, b.Store, chat, page); err != nil {
			b.Degrade("store", err)
		}
	}
	b.maybeWarn(ctx, chat, msg, verdict, before, int(conv.Seq-1), conv)
	b.Metrics.HandleTime.Observe(time.Since(received).Seconds())
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
