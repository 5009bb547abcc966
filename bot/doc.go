// Package bot is the Telegram adapter: it wires the rooms below together
// and routes each update to its room. An update flows one way, and each
// step is a package that imports only the steps after it:
//
//	transport     updates in: long polling, the webhook, per-chat lanes
//	private       private chats: bursts, the check reply, commands, media
//	group         family groups (policy, /check, settings) and guardians
//	moderation    cases behind the reply's buttons, moderators' cards,
//	              /queue, /stats, /console
//	conversation  what the rooms share: each chat's conversation kept in
//	              the store and classified, detection (package detect),
//	              settings, texts
//	reply         (top level) renders verdicts: the check reply and the
//	              group warning
//	sendqueue     the one outbound queue, paced and retried
//
// This package owns only the wiring (New, Run), the routing of updates
// and button presses to rooms, the HTTP endpoints (/healthz, /metrics,
// the console, the webhook) and the command menus. Options are read by
// cmd/scamguard, never here.
package bot
