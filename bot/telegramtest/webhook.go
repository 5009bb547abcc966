package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"
)

// webhookClient bounds a webhook delivery, as Telegram gives up on slow
// webhooks too.
var webhookClient = &http.Client{Timeout: 10 * time.Second}

// PostWebhook delivers update to a bot's webhook at url the way Telegram
// does: a JSON POST, with the X-Telegram-Bot-Api-Secret-Token header when
// secret is not empty. update_id is sent as it is, zero included. The caller
// closes the response body.
//
// Note that go-telegram/bot's WebhookHandler answers 200 even when it
// rejects the secret, so a test of the secret must look at what the bot did,
// not at the status code.
func PostWebhook(url, secret string, update models.Update) (*http.Response, error) {
	body, err := json.Marshal(&update) // through a pointer: see Push
	if err != nil {
		return nil, fmt.Errorf("encode update %d for webhook: %w", update.ID, err)
	}
	request, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build webhook request to %s: %w", url, err)
	}
	request.Header.Set("Content-Type", "application/json")
	if secret != "" {
		request.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	response, err := webhookClient.Do(request)
	if err != nil {
		return nil, fmt.Errorf("post update %d to webhook: %w", update.ID, err)
	}
	return response, nil
}
