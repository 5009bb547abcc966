package bot

import "github.com/go-telegram/bot/models"

// SetBeforeHandle makes tests able to run code (a panic) at the start of
// every handled update.
func (b *Bot) SetBeforeHandle(hook func(*models.Update)) { b.beforeHandle = hook }
