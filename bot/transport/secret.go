package transport

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// DerivedWebhookSecret is the webhook's secret token when none is
// configured: an HMAC of a fixed label under the bot token, so that every
// replica of one bot (and `scamguard webhook set`) arrives at the same
// secret without sharing one more value, and the secret tells nothing
// about the token. Base64url without padding is Telegram's alphabet for
// secret_token (A-Z a-z 0-9 _ -). It is never logged.
func DerivedWebhookSecret(token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("scamguard webhook secret v1"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
