package bot

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Option is one setting of `scamguard bot`: its environment variable, its
// flag (empty when it has none), its default and what it means. Options is
// the one list that the flags, `--help` and the README's option table are
// made from; a test keeps the README in sync with it.
type Option struct {
	Env     string
	Flag    string
	Default string
	Meaning string
}

// The bot's own settings. Redis and the LLM add theirs (ExtraOptions).
const (
	EnvToken         = "TELEGRAM_BOT_TOKEN"
	EnvAPIURL        = "TELEGRAM_API_URL"
	EnvHTTPAddr      = "SCAMGUARD_HTTP_ADDR"
	EnvWebhookURL    = "SCAMGUARD_WEBHOOK_URL"
	EnvWebhookSecret = "SCAMGUARD_WEBHOOK_SECRET"
	EnvBurstWindow   = "SCAMGUARD_BURST_WINDOW"
	EnvChatInterval  = "SCAMGUARD_SEND_CHAT_INTERVAL"
	EnvGroupInterval = "SCAMGUARD_SEND_GROUP_INTERVAL"
	EnvGlobalRate    = "SCAMGUARD_SEND_GLOBAL_PER_SECOND"
	EnvMetricsAddr   = "SCAMGUARD_METRICS_ADDR"
	EnvMetricsToken  = "SCAMGUARD_METRICS_TOKEN"
)

// DefaultAPIURL is Telegram's Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// BotOptions are the settings the bot package reads.
var BotOptions = []Option{
	{EnvToken, "token", "", "Bot token from @BotFather (required)."},
	{EnvAPIURL, "api-url", DefaultAPIURL, "Bot API server; set it to use a self-hosted Bot API server."},
	{EnvHTTPAddr, "http-addr", "", "Address for /healthz, the console and the webhook (/metrics only with its token); empty: no HTTP server in polling mode."},
	{EnvMetricsAddr, "metrics-addr", "", "Address of its own for /metrics, without a token (bind it where only Prometheus reaches, such as 127.0.0.1:9090); empty: none."},
	{EnvMetricsToken, "", "", "Bearer token that /metrics on the HTTP address asks for (Authorization: Bearer …); empty: /metrics is not served there."},
	{EnvWebhookURL, "webhook-url", "", "Public HTTPS URL Telegram posts updates to; empty: long polling."},
	{EnvWebhookSecret, "webhook-secret", "random per start", "Secret token Telegram sends in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -)."},
	{EnvBurstWindow, "burst-window", "2s", "Quiet time that ends a burst of forwarded messages; the bot answers once per burst."},
	{EnvChatInterval, "send-chat-interval", "1s", "Least time between two messages the bot sends to one private chat."},
	{EnvGroupInterval, "send-group-interval", "3s", "Least time between two messages the bot sends to one group (Telegram allows about 20 a minute)."},
	{EnvGlobalRate, "send-global-per-second", "30", "Most messages the bot sends per second in all (Telegram allows about 30)."},
}

// Config is everything the bot needs besides its parts (Deps). The zero
// value of a duration or rate means its default.
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
	// PollTimeout is the long-polling timeout of getUpdates.
	PollTimeout time.Duration
	// ShutdownTimeout bounds how long a stopping bot spends answering
	// pending bursts and draining the send queue.
	ShutdownTimeout time.Duration
	// Workers bounds how many chats are handled at the same time.
	Workers int
	// Flags holds the other parts' settings given as flags, by variable
	// name (see Getenv).
	Flags map[string]string
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
var ErrNoToken = errors.New(EnvToken + " is not set: talk to @BotFather on Telegram, send /newbot, and put the token it gives you in " + EnvToken)

func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.BurstWindow < 0 {
		c.BurstWindow = 0
	}
	if c.ChatInterval <= 0 {
		c.ChatInterval = time.Second
	}
	if c.GroupInterval <= 0 {
		c.GroupInterval = 3 * time.Second
	}
	if c.GlobalInterval <= 0 {
		c.GlobalInterval = time.Second / 30
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = 50 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 20 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.GroupCooldown <= 0 {
		c.GroupCooldown = 10 * time.Minute
	}
	if c.GroupWarningsPerHour <= 0 {
		c.GroupWarningsPerHour = 6
	}
	if c.GroupThreadGap <= 0 {
		c.GroupThreadGap = 2 * time.Hour
	}
	return c
}

// ParseConfig reads the bot's settings from flags, then from the
// environment for flags not given. Unknown flags, malformed values and a
// missing token are errors; the caller prints them and exits 2.
func ParseConfig(args []string, getenv func(string) string, stderr io.Writer, extra []Option) (Config, error) {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // the caller prints Usage on flag.ErrHelp, to stdout
	values := make(map[string]*string, len(BotOptions)+len(extra))
	for _, o := range append(append([]Option(nil), BotOptions...), extra...) {
		if o.Flag != "" {
			values[o.Env] = fs.String(o.Flag, "", o.Meaning)
		}
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	get := func(env string) string {
		if v := values[env]; v != nil && *v != "" {
			return *v
		}
		return strings.TrimSpace(getenv(env))
	}
	cfg := Config{
		Flags:         map[string]string{},
		Token:         get(EnvToken),
		APIURL:        get(EnvAPIURL),
		HTTPAddr:      get(EnvHTTPAddr),
		WebhookURL:    get(EnvWebhookURL),
		WebhookSecret: get(EnvWebhookSecret),
		MetricsAddr:   get(EnvMetricsAddr),
		MetricsToken:  get(EnvMetricsToken),
		BurstWindow:   2 * time.Second,
	}
	var err error
	duration := func(env string, into *time.Duration) {
		raw := get(env)
		if raw == "" || err != nil {
			return
		}
		d, parseErr := time.ParseDuration(raw)
		if parseErr != nil || d < 0 {
			err = fmt.Errorf("%s=%q: want a duration such as 2s", env, raw)
			return
		}
		*into = d
	}
	duration(EnvBurstWindow, &cfg.BurstWindow)
	duration(EnvChatInterval, &cfg.ChatInterval)
	duration(EnvGroupInterval, &cfg.GroupInterval)
	if raw := get(EnvGlobalRate); raw != "" && err == nil {
		perSecond, parseErr := strconv.ParseFloat(raw, 64)
		if parseErr != nil || perSecond <= 0 {
			err = fmt.Errorf("%s=%q: want a positive number", EnvGlobalRate, raw)
		} else {
			cfg.GlobalInterval = time.Duration(float64(time.Second) / perSecond)
		}
	}
	if err != nil {
		return Config{}, err
	}
	for _, o := range extra {
		if v := values[o.Env]; v != nil && *v != "" {
			cfg.Flags[o.Env] = *v
		}
	}
	if cfg.WebhookURL != "" && cfg.HTTPAddr == "" {
		cfg.HTTPAddr = ":8080" // Telegram must reach the webhook
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Getenv is getenv with the flags given for other parts' settings taking
// precedence, for the parts that read their settings through a getenv
// function (store, llm, review).
func (c Config) Getenv(getenv func(string) string) func(string) string {
	return func(name string) string {
		if v, ok := c.Flags[name]; ok {
			return v
		}
		return getenv(name)
	}
}

// validSecret is Telegram's rule for secret_token.
func validSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Usage is `scamguard bot --help`: every option as a table row. extra are
// the settings other parts read from the environment (Redis, the LLM), so
// that --help and the README list every option in one table.
func Usage(extra []Option) string {
	var b strings.Builder
	b.WriteString("usage: scamguard bot [flags]\n\nEvery flag can be set by its environment variable instead; flags win.\n\n")
	for _, o := range append(append([]Option(nil), BotOptions...), extra...) {
		name := o.Env
		if o.Flag != "" {
			name += ", --" + o.Flag
		}
		def := o.Default
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(&b, "  %s\n      default %s. %s\n", name, def, o.Meaning)
	}
	return b.String()
}

// validate checks the settings that need more than parsing: a token, a
// webhook URL Telegram can reach, a secret Telegram accepts.
func (cfg Config) validate() error {
	if cfg.Token == "" {
		return ErrNoToken
	}
	if cfg.WebhookURL != "" {
		u, parseErr := url.Parse(cfg.WebhookURL)
		if parseErr != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("%s=%q: want an https:// URL that Telegram can reach", EnvWebhookURL, cfg.WebhookURL)
		}
	}
	if cfg.WebhookSecret != "" && !validSecret(cfg.WebhookSecret) {
		return fmt.Errorf("%s: want 1 to 256 characters of A-Z a-z 0-9 _ -", EnvWebhookSecret)
	}
	return nil
}
