package bot

import (
	"errors"
	"time"
)

// Config is everything the bot needs besides its parts (Deps). The
// binary fills it from its options (cmd/scamguard, where each setting and
// its default is declared once). A zero send interval sends without
// pacing; the zero value of the other durations and counts means their
// default (withDefaults).
type Config struct {
	Token         string
	APIURL        string
	HTTPAddr      string
	WebhookURL    string
	WebhookSecret string
	// MetricsAddr serves /metrics on an address of its own, without a
	// token; MetricsToken is the bearer token /metrics on HTTPAddr asks
	// for. With neither, /metrics is not served: the HTTP address is
	// public in webhook mode, and the series tell a prober how its
	// messages are judged.
	MetricsAddr  string
	MetricsToken string
	// BurstWindow is the quiet time after the last forwarded message before
	// the bot answers; 0 answers each message at once (benchmarks).
	BurstWindow time.Duration
	// ChatInterval, GroupInterval and GlobalInterval space out messages
	// sent to one private chat, one group, and in all.
	ChatInterval   time.Duration
	GroupInterval  time.Duration
	GlobalInterval time.Duration
	// SendChatCap is the most messages that wait in the send queue for
	// one chat (sendqueue.Config.ChatCap); 0 is its default.
	SendChatCap int
	// IntakeClaimAfter is how long an update stored by the webhook may stay
	// unacknowledged by the replica that read it (dead, or this process
	// before a restart) before another takes it over; and how long a
	// replica's claim on a due burst lasts.
	IntakeClaimAfter time.Duration
	// PollTimeout is the long-polling timeout of getUpdates.
	PollTimeout time.Duration
	// ShutdownTimeout bounds how long a stopping bot spends answering
	// pending bursts and draining the send queue.
	ShutdownTimeout time.Duration
	// Workers bounds how many chats are handled at the same time.
	Workers int
	// GroupCooldown, GroupWarningsPerHour and GroupThreadGap are passed
	// to the group room (group.Config, which holds their defaults).
	// GroupCooldown is the least time between two automatic warnings in
	// one group conversation, unless the level rises.
	GroupCooldown time.Duration
	// GroupWarningsPerHour caps the automatic warnings one group gets in
	// an hour, whatever else happens.
	GroupWarningsPerHour int
	// GroupThreadGap is the quiet time after which a group's next message
	// starts a new conversation thread.
	GroupThreadGap time.Duration
}

// ErrNoToken is returned when no bot token is configured.
var ErrNoToken = errors.New("no bot token: talk to @BotFather on Telegram, send /newbot, and use the token it gives you")

func (c Config) withDefaults() Config {
	if c.PollTimeout <= 0 {
		c.PollTimeout = 50 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 20 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	return c
}
