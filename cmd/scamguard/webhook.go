package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/scamguard/scamguard/bot/transport"
)

const webhookUsage = `usage: scamguard webhook set|delete|info [flags]

  set     register SCAMGUARD_WEBHOOK_URL with Telegram, with the secret every
          replica checks (SCAMGUARD_WEBHOOK_SECRET, or the one derived from the
          token) and the updates the bot reads; run it once per deployment.
  delete  remove the webhook (updates wait for long polling).
  info    what Telegram has registered, how many updates wait, the last error.

Options (environment or flags, as for scamguard bot): TELEGRAM_BOT_TOKEN
(--token), TELEGRAM_API_URL (--api-url), SCAMGUARD_WEBHOOK_URL (--webhook-url),
SCAMGUARD_WEBHOOK_SECRET (--webhook-secret).
`

// webhookOptionEnvs are the rows of the option table that `webhook` reads.
var webhookOptionEnvs = []string{envToken, "TELEGRAM_API_URL", "SCAMGUARD_WEBHOOK_URL", "SCAMGUARD_WEBHOOK_SECRET"}

// runWebhook registers, removes or shows the webhook: one explicit step,
// so that starting a replica never changes what Telegram calls.
func runWebhook(args []string, stdout, stderr io.Writer) int {
	return webhookCommand(args, os.Getenv, stdout, stderr)
}

func webhookCommand(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, webhookUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	action := args[0]
	var options []option
	for _, o := range botOwnOptions {
		for _, env := range webhookOptionEnvs {
			if o.Env == env {
				options = append(options, o)
			}
		}
	}
	s, err := parseOptions(options, args[1:], getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, webhookUsage)
		return 0
	}
	if err == nil && s.bot.Token == "" {
		err = errors.New(envToken + " is not set")
	}
	if err != nil {
		fmt.Fprintf(stderr, "scamguard webhook: %v\n", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	api, token := s.bot.APIURL, s.bot.Token
	switch action {
	case "set":
		if s.bot.WebhookURL == "" {
			fmt.Fprintln(stderr, "scamguard webhook set: SCAMGUARD_WEBHOOK_URL (--webhook-url) is not set")
			return 2
		}
		secret := s.bot.WebhookSecret
		if secret == "" {
			secret = transport.DerivedWebhookSecret(token)
		}
		reg := transport.WebhookRegistration{URL: s.bot.WebhookURL, Secret: secret}
		if err := transport.SetWebhook(ctx, api, token, reg); err != nil {
			fmt.Fprintf(stderr, "scamguard webhook set: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "webhook set: %s (secret token set; updates: %s)\n", s.bot.WebhookURL, strings.Join(transport.AllowedUpdates, ", "))
	case "delete":
		if err := transport.DeleteWebhook(ctx, api, token); err != nil {
			fmt.Fprintf(stderr, "scamguard webhook delete: %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, "webhook deleted: updates wait for long polling")
	case "info":
		info, err := transport.WebhookInfo(ctx, api, token)
		if err != nil {
			fmt.Fprintf(stderr, "scamguard webhook info: %v\n", err)
			return 1
		}
		url := info.URL
		if url == "" {
			url = "(none: long polling)"
		}
		fmt.Fprintf(stdout, "url: %s\npending updates: %d\n", url, info.PendingUpdateCount)
		if info.URL != "" {
			fmt.Fprintf(stdout, "max connections: %d\nallowed updates: %s\n", info.MaxConnections, strings.Join(info.AllowedUpdates, ", "))
		}
		if info.LastErrorDate != 0 {
			fmt.Fprintf(stdout, "last error: %s at %s\n", info.LastErrorMessage, time.Unix(int64(info.LastErrorDate), 0).UTC().Format(time.RFC3339))
		}
	default:
		fmt.Fprintf(stderr, "scamguard webhook: unknown action %q\n\n%s", action, webhookUsage)
		return 2
	}
	return 0
}
