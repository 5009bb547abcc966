// Package transport is how updates reach the bot: long polling of
// getUpdates (each update decoded on its own), the webhook handler, and the
// per-chat lanes that run a chat's updates in order while chats run side by
// side. It knows nothing of what an update means: it hands each decoded
// update to a function, and reports the ones it cannot decode to another.
package transport
