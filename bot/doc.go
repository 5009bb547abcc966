// Package bot is the Telegram adapter: it takes updates (long polling or a
// webhook) onto per-chat lanes, gathers bursts, keeps each conversation in
// the store, runs it through detection (package detect) for private chats
// and groups, answers commands and buttons, alerts guardians, posts
// moderators' cards, and owns the outbound send queue. It depends on
// detect, reply and store, never the reverse.
package bot
