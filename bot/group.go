package bot

import (
	"context"
	"time"

	"github.com/go-telegram/bot/models"
)

// onGroupMessage handles a message in a group chat.
func (b *Bot) onGroupMessage(ctx context.Context, msg *models.Message, received time.Time) {}

// onGroupEdited handles an edited message in a group chat.
func (b *Bot) onGroupEdited(ctx context.Context, msg *models.Message) {}

// onMembership handles the bot being added to or removed from a chat.
func (b *Bot) onMembership(ctx context.Context, m *models.ChatMemberUpdated) {}

// onSettingsButton handles a press on the group /settings keyboard
// (callback data "set:<rest>") and returns the note shown to the presser.
func (b *Bot) onSettingsButton(ctx context.Context, q *models.CallbackQuery, rest string) string {
	return ""
}
