package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Registration is one explicit step, `scamguard webhook set`, not a side
// effect of every start: with N replicas, each start re-registering (with
// a secret of its own) left every replica but the newest refused.

// WebhookRegistration is what setWebhook is told.
type WebhookRegistration struct {
	URL    string
	Secret string
	// MaxConnections is how many requests Telegram keeps open at once;
	// 0 leaves Telegram's default (40).
	MaxConnections int
}

// SetWebhook registers the webhook with its secret and the updates the
// bot reads.
func SetWebhook(ctx context.Context, apiURL, token string, reg WebhookRegistration) error {
	params := map[string]any{"url": reg.URL, "secret_token": reg.Secret, "allowed_updates": AllowedUpdates}
	if reg.MaxConnections > 0 {
		params["max_connections"] = reg.MaxConnections
	}
	return callAPI(ctx, apiURL, token, "setWebhook", params, nil)
}

// DeleteWebhook removes the webhook; pending updates stay with Telegram
// for long polling to read.
func DeleteWebhook(ctx context.Context, apiURL, token string) error {
	return callAPI(ctx, apiURL, token, "deleteWebhook", map[string]any{}, nil)
}

// WebhookInfo asks Telegram what it has registered.
func WebhookInfo(ctx context.Context, apiURL, token string) (models.WebhookInfo, error) {
	var info models.WebhookInfo
	err := callAPI(ctx, apiURL, token, "getWebhookInfo", map[string]any{}, &info)
	return info, err
}

// callAPI calls one Bot API method and decodes its result into result
// (when not nil). Errors never carry the URL: it holds the token.
func callAPI(ctx context.Context, apiURL, token, method string, params map[string]any, result any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("%s: encode parameters: %w", method, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	endpoint := strings.TrimRight(apiURL, "/") + "/bot" + token + "/" + method
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: build request: %w", method, withoutURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", method, withoutURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s: read answer: %w", method, withoutURL(err))
	}
	var answer struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return fmt.Errorf("%s: HTTP %d, answer is not the Bot API's: %w", method, resp.StatusCode, err)
	}
	if !answer.OK {
		return fmt.Errorf("%s: %d %s", method, answer.ErrorCode, answer.Description)
	}
	if result != nil {
		if err := json.Unmarshal(answer.Result, result); err != nil {
			return fmt.Errorf("%s: decode result: %w", method, err)
		}
	}
	return nil
}
