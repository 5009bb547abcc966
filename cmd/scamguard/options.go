package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scamguard/scamguard/bot"
	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/bot/transport"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// option is one setting of the binary, declared once: its environment
// variable, its flag (empty: environment only, for secrets: a command line
// is visible to every user of the machine), its default, what it means,
// and how a value is read into the settings. `scamguard bot --help`, the
// README's option table and the parsing all come from these declarations.
type option struct {
	Env  string
	Flag string
	// Default is the value used when neither the flag nor the variable is
	// given, parsed by set like a given value; empty: none.
	Default string
	// Shown replaces Default in --help and the README when the default is
	// not a value ("random per start"); Default is then empty.
	Shown string
	Help  string
	// set reads a non-empty value into s; an error names the variable.
	set func(s *settings, value string) error
}

// settings are every part's configuration, as the options fill them.
type settings struct {
	bot        bot.Config
	store      store.Config
	llm        llm.Config
	review     reviewSettings
	transcribe transcribe.Config
}

// reviewSettings are the moderation settings.
type reviewSettings struct {
	moderators    review.Moderators
	modChat       int64
	modLang       string
	answerWithin  time.Duration
	consoleURL    string
	consoleSecret []byte
}

// shownDefault is the default as --help and the README say it.
func (o option) shownDefault() string {
	switch {
	case o.Shown != "":
		return o.Shown
	case o.Default != "":
		return o.Default
	}
	return "(none)"
}

// Option names the bot reads itself (the others are the parts' own, in
// their packages).
const (
	envToken    = "TELEGRAM_BOT_TOKEN"
	envHTTPAddr = "SCAMGUARD_HTTP_ADDR"
)

// botOwnOptions are the bot's transport settings.
var botOwnOptions = []option{
	{Env: envToken, Flag: "token", Help: "Bot token from @BotFather (required).",
		set: func(s *settings, v string) error { s.bot.Token = v; return nil }},
	{Env: "TELEGRAM_API_URL", Flag: "api-url", Default: "https://api.telegram.org", Help: "Bot API server; set it to use a self-hosted Bot API server.",
		set: func(s *settings, v string) error { s.bot.APIURL = v; return nil }},
	{Env: envHTTPAddr, Flag: "http-addr", Help: "Address for /healthz, the console and the webhook (/metrics only with its token); empty: no HTTP server in polling mode.",
		set: func(s *settings, v string) error { s.bot.HTTPAddr = v; return nil }},
	{Env: "SCAMGUARD_METRICS_ADDR", Flag: "metrics-addr", Help: "Address of its own for /metrics, without a token (bind it where only Prometheus reaches, such as 127.0.0.1:9090); empty: none.",
		set: func(s *settings, v string) error { s.bot.MetricsAddr = v; return nil }},
	{Env: "SCAMGUARD_METRICS_TOKEN", Help: "Bearer token that /metrics on the HTTP address asks for (Authorization: Bearer …); empty: /metrics is not served there.",
		set: func(s *settings, v string) error { s.bot.MetricsToken = v; return nil }},
	{Env: "SCAMGUARD_WEBHOOK_URL", Flag: "webhook-url", Help: "Public HTTPS URL Telegram posts updates to; empty: long polling.",
		set: func(s *settings, v string) error {
			if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
				return errors.New("want an https:// URL that Telegram can reach")
			}
			s.bot.WebhookURL = v
			return nil
		}},
	{Env: "SCAMGUARD_WEBHOOK_SECRET", Flag: "webhook-secret", Shown: "derived from the token", Help: "Secret token Telegram sends in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -); unset: an HMAC of the token, the same on every replica and in `scamguard webhook set`. Never logged.",
		set: func(s *settings, v string) error {
			if !validSecret(v) {
				return errors.New("want 1 to 256 characters of A-Z a-z 0-9 _ -")
			}
			s.bot.WebhookSecret = v
			return nil
		}},
	{Env: "SCAMGUARD_INTAKE_CLAIM_AFTER", Flag: "intake-claim-after", Default: durationText(transport.DefaultClaimAfter), Help: "How long an update stored in Redis (webhook mode) or a claimed burst may stay unfinished by the replica that took it (dead, or restarting) before another takes it over.",
		set: durationInto(func(s *settings) *time.Duration { return &s.bot.IntakeClaimAfter }, "1m", false)},
	{Env: "SCAMGUARD_BURST_WINDOW", Flag: "burst-window", Default: "2s", Help: "Quiet time that ends a burst of forwarded messages; the bot answers once per burst.",
		set: durationInto(func(s *settings) *time.Duration { return &s.bot.BurstWindow }, "2s", true)},
	{Env: "SCAMGUARD_SEND_CHAT_INTERVAL", Flag: "send-chat-interval", Default: "1s", Help: "Least time between two messages the bot sends to one private chat.",
		set: durationInto(func(s *settings) *time.Duration { return &s.bot.ChatInterval }, "1s", true)},
	{Env: "SCAMGUARD_SEND_GROUP_INTERVAL", Flag: "send-group-interval", Default: "3s", Help: "Least time between two messages the bot sends to one group (Telegram allows about 20 a minute).",
		set: durationInto(func(s *settings) *time.Duration { return &s.bot.GroupInterval }, "3s", true)},
	{Env: "SCAMGUARD_SEND_CHAT_CAP", Flag: "send-chat-cap", Default: strconv.Itoa(sendqueue.DefaultChatCap), Help: "Most messages waiting in the send queue for one chat; past it a chat's new messages are dropped (one user cannot queue hundreds of /help answers).",
		set: func(s *settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return errors.New("want a positive whole number")
			}
			s.bot.SendChatCap = n
			return nil
		}},
	{Env: "SCAMGUARD_SEND_GLOBAL_PER_SECOND", Flag: "send-global-per-second", Default: "30", Help: "Most messages the bot sends per second in all (Telegram allows about 30).",
		set: func(s *settings, v string) error {
			perSecond, err := strconv.ParseFloat(v, 64)
			if err != nil || perSecond <= 0 {
				return errors.New("want a positive number")
			}
			s.bot.GlobalInterval = time.Duration(float64(time.Second) / perSecond)
			return nil
		}},
}

// storeOptions are the store's settings; its defaults are the store's own.
var storeOptions = []option{
	{Env: store.EnvURL, Flag: "redis-url", Shown: "(embedded, not persisted)", Help: "Redis: redis://[user:pass@]host:port/db; ?addr=… adds Cluster nodes, ?master_name=… uses Sentinel. Empty: an in-process store that is lost on restart.",
		set: func(s *settings, v string) error { s.store.URL = v; return nil }},
	{Env: store.EnvAddrs, Flag: "redis-addrs", Help: "Comma-separated Redis addresses instead of a URL; more than one means Cluster.",
		set: func(s *settings, v string) error {
			for _, addr := range strings.Split(v, ",") {
				if addr = strings.TrimSpace(addr); addr != "" {
					s.store.Addrs = append(s.store.Addrs, addr)
				}
			}
			return nil
		}},
	{Env: store.EnvPrefix, Flag: "redis-prefix", Default: store.DefaultConfig().Prefix, Help: "Prefix of every Redis key, to share a server.",
		set: func(s *settings, v string) error { s.store.Prefix = v; return nil }},
	{Env: store.EnvTTL, Flag: "redis-ttl", Default: durationText(store.DefaultConfig().TTL), Help: "How long a conversation is kept after its last message.",
		set: durationInto(func(s *settings) *time.Duration { return &s.store.TTL }, "72h", false)},
	{Env: store.EnvWindow, Flag: "redis-window", Default: strconv.Itoa(store.DefaultConfig().Window), Help: "How many messages of a conversation are kept.",
		set: func(s *settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return errors.New("want a positive number of messages")
			}
			s.store.Window = n
			return nil
		}},
}

// llmOptions are the LLM stage's settings (check and eval read them from
// the environment too); its defaults are the llm package's own.
var llmOptions = func() []option {
	def := llm.DefaultConfig()
	return []option{
		{Env: llm.EnvAPIKey, Help: "API key (never logged); with no key and no base URL: heuristics only.",
			set: func(s *settings, v string) error { s.llm.APIKey = v; return nil }},
		{Env: llm.EnvBaseURL, Flag: "openai-base-url", Shown: "https://api.openai.com/v1", Help: "Any OpenAI-compatible server: OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp.",
			set: func(s *settings, v string) error { s.llm.BaseURL = v; return nil }},
		{Env: llm.EnvModel, Flag: "openai-model", Default: def.Model, Help: "Model name.",
			set: func(s *settings, v string) error { s.llm.Model = v; return nil }},
		{Env: llm.EnvTimeout, Flag: "llm-timeout", Default: durationText(def.Timeout), Help: "Bound of one review, retry included; past it the heuristic verdict stands.",
			set: durationInto(func(s *settings) *time.Duration { return &s.llm.Timeout }, "8s", false)},
		{Env: llm.EnvUserPerHour, Flag: "llm-user-per-hour", Default: strconv.Itoa(def.UserPerHour), Help: "LLM calls per user per hour (0: no cap).",
			set: callsInto(func(s *settings) *int { return &s.llm.UserPerHour })},
		{Env: llm.EnvGlobalPerHour, Flag: "llm-global-per-hour", Default: strconv.Itoa(def.GlobalPerHour), Help: "LLM calls per hour in all (0: no cap).",
			set: callsInto(func(s *settings) *int { return &s.llm.GlobalPerHour })},
		{Env: llm.EnvGreyLow, Flag: "llm-grey-low", Default: scoreText(def.GreyLow), Help: "Grey zone of the heuristic score: from.",
			set: scoreInto(func(s *settings) *float64 { return &s.llm.GreyLow })},
		{Env: llm.EnvGreyHigh, Flag: "llm-grey-high", Default: scoreText(def.GreyHigh), Help: "Grey zone of the heuristic score: up to (excluded); the scam threshold.",
			set: scoreInto(func(s *settings) *float64 { return &s.llm.GreyHigh })},
		{Env: llm.EnvDebounce, Flag: "llm-debounce", Default: durationText(def.Debounce), Help: "Least time between two calls for one conversation.",
			set: durationInto(func(s *settings) *time.Duration { return &s.llm.Debounce }, "5s", true)},
	}
}()

// transcribeOptions are the voice-note endpoint's settings; without a URL
// and a key of its own it uses the LLM's (see transcribeFallback).
var transcribeOptions = []option{
	{Env: transcribe.EnvURL, Flag: "transcribe-url", Shown: "(the LLM's)", Help: "OpenAI-compatible transcription server for voice notes; empty with no key of its own: the LLM's base URL and key.",
		set: func(s *settings, v string) error { s.transcribe.BaseURL = v; return nil }},
	{Env: transcribe.EnvModel, Flag: "transcribe-model", Default: transcribe.DefaultModel, Help: "Transcription model name.",
		set: func(s *settings, v string) error { s.transcribe.Model = v; return nil }},
	{Env: transcribe.EnvKey, Shown: "(the LLM's)", Help: "API key of the transcription server (never logged).",
		set: func(s *settings, v string) error { s.transcribe.APIKey = v; return nil }},
}

// reviewOptions are the moderation settings (the console is served on
// the bot's HTTP address).
var reviewOptions = []option{
	{Env: review.EnvModerators, Flag: "moderators", Help: "Comma-separated Telegram user ids of moderators; empty: nobody can decide cases.",
		set: func(s *settings, v string) (err error) {
			s.review.moderators, err = review.ParseModerators(v)
			return err
		}},
	{Env: review.EnvModChat, Flag: "mod-chat", Help: "Chat id of the moderators' group, where new cases are posted as cards; empty: cases wait for /queue and the console.",
		set: func(s *settings, v string) (err error) {
			if s.review.modChat, err = strconv.ParseInt(v, 10, 64); err != nil {
				return errors.New("want a Telegram chat id such as -1001234567890")
			}
			return nil
		}},
	{Env: review.EnvModLang, Flag: "mod-lang", Default: review.ModLangEn, Help: "Language of the cards and answers in the moderators' group: zh or en. A moderator's own chat with the bot and the console follow their Telegram language.",
		set: func(s *settings, v string) error {
			if v != review.ModLangZh && v != review.ModLangEn {
				return errors.New("want zh or en")
			}
			s.review.modLang = v
			return nil
		}},
	{Env: review.EnvAnswerWithin, Flag: "human-answer-within", Default: "24h", Help: "Ask a human: when no moderator decides within this time, the user is told so, that the bot's answer stands and how to verify it (kept in Redis, so a restart loses none).",
		set: durationInto(func(s *settings) *time.Duration { return &s.review.answerWithin }, "24h", false)},
	{Env: review.EnvConsoleURL, Flag: "console-url", Shown: "http://<" + envHTTPAddr + ">", Help: "Public base URL of the console at /review, for /console sign-in links.",
		set: func(s *settings, v string) error { s.review.consoleURL = strings.TrimRight(v, "/"); return nil }},
	{Env: review.EnvConsoleSecret, Shown: "random per start", Help: "Key (16+ characters) that signs console sign-in links; set it when several replicas serve the console.",
		set: func(s *settings, v string) error {
			if len(v) < 16 {
				return errors.New("want at least 16 characters")
			}
			s.review.consoleSecret = []byte(v)
			return nil
		}},
}

// botOptions are every setting of `scamguard bot`, in the order of --help
// and the README's table.
func botOptions() []option {
	var all []option
	for _, part := range [][]option{botOwnOptions, storeOptions, llmOptions, transcribeOptions, reviewOptions} {
		all = append(all, part...)
	}
	return all
}

// parseOptions reads options from flags (args), then the environment
// (getenv), then each option's default. Unknown flags and malformed values
// are errors; the caller prints them and exits 2.
func parseOptions(options []option, args []string, getenv func(string) string, stderr io.Writer) (settings, error) {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // the caller prints usage on flag.ErrHelp, to stdout
	flags := make(map[string]*string, len(options))
	for _, o := range options {
		if o.Flag != "" {
			flags[o.Env] = fs.String(o.Flag, "", o.Help)
		}
	}
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	if fs.NArg() > 0 {
		return settings{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var s settings
	for _, o := range options {
		value := ""
		if v := flags[o.Env]; v != nil {
			value = *v
		}
		if value == "" {
			value = strings.TrimSpace(getenv(o.Env))
		}
		if value == "" {
			value = o.Default
		}
		if value == "" {
			continue
		}
		if err := o.set(&s, value); err != nil {
			return settings{}, fmt.Errorf("%s=%q: %w", o.Env, value, err)
		}
	}
	return s, nil
}

// optionsHelp is `scamguard bot --help`: every option with its default.
func optionsHelp(options []option) string {
	var b strings.Builder
	b.WriteString("usage: scamguard bot [flags]\n\nEvery flag can be set by its environment variable instead; flags win.\n\n")
	for _, o := range options {
		name := o.Env
		if o.Flag != "" {
			name += ", --" + o.Flag
		}
		fmt.Fprintf(&b, "  %s\n      default %s. %s\n", name, o.shownDefault(), o.Help)
	}
	return b.String()
}

// readmeTable is the README's option table.
func readmeTable(options []option) string {
	var b strings.Builder
	b.WriteString("| Environment variable | Flag | Default | Meaning |\n|---|---|---|---|\n")
	for _, o := range options {
		flagName := " "
		if o.Flag != "" {
			flagName = " `--" + o.Flag + "` "
		}
		def := o.shownDefault()
		if o.Shown == "" && o.Default != "" {
			def = "`" + def + "`"
		}
		fmt.Fprintf(&b, "| `%s` |%s| %s | %s |\n", o.Env, flagName, def, o.Help)
	}
	return b.String()
}

// durationInto reads a Go duration (zero allowed when zeroOK).
func durationInto(field func(*settings) *time.Duration, example string, zeroOK bool) func(*settings, string) error {
	return func(s *settings, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d == 0 && !zeroOK {
			return fmt.Errorf("want a duration such as %s", example)
		}
		*field(s) = d
		return nil
	}
}

// callsInto reads a number of calls per hour, 0 for no cap.
func callsInto(field func(*settings) *int) func(*settings, string) error {
	return func(s *settings, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errors.New("want a number of calls per hour, 0 for no cap")
		}
		*field(s) = n
		return nil
	}
}

// scoreInto reads a heuristic score between 0 and 1.
func scoreInto(field func(*settings) *float64) func(*settings, string) error {
	return func(s *settings, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1.01 {
			return errors.New("want a score between 0 and 1")
		}
		*field(s) = f
		return nil
	}
}

// durationText writes a duration as people do: 72h, 8s, 1m30s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// scoreText writes a score as the README does: 0.2, 0.7.
func scoreText(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

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

// botSettings parses `scamguard bot`'s options and fills in what follows
// from them: a webhook needs an HTTP address, the console's sign-in links
// its URL and a secret, voice notes the LLM's endpoint when they have none.
func botSettings(args []string, getenv func(string) string, stderr io.Writer) (settings, error) {
	s, err := parseOptions(botOptions(), args, getenv, stderr)
	if err != nil {
		return s, err
	}
	if s.bot.Token == "" {
		return s, errors.New(envToken + " is not set: talk to @BotFather on Telegram, send /newbot, and put the token it gives you in " + envToken)
	}
	if s.bot.WebhookURL != "" && s.bot.HTTPAddr == "" {
		s.bot.HTTPAddr = ":8080" // Telegram must reach the webhook
	}
	if s.review.consoleURL == "" && s.bot.HTTPAddr != "" {
		s.review.consoleURL = "http://" + s.bot.HTTPAddr
	}
	if s.review.consoleSecret == nil {
		s.review.consoleSecret = []byte(rand.Text())
	}
	return s, s.finishParts()
}

// finishParts checks what no single option can and lets voice notes use
// the LLM's endpoint when they have none of their own.
func (s *settings) finishParts() error {
	if s.llm.GreyLow > s.llm.GreyHigh {
		return fmt.Errorf("%s=%v is above %s=%v", llm.EnvGreyLow, s.llm.GreyLow, llm.EnvGreyHigh, s.llm.GreyHigh)
	}
	if !s.transcribe.Enabled() {
		s.transcribe.BaseURL, s.transcribe.APIKey = s.llm.BaseURL, s.llm.APIKey
	}
	return nil
}

// envSettings reads options from the environment alone, for the commands
// that have flags of their own (check, eval, export).
func envSettings(options []option, getenv func(string) string) (settings, error) {
	s, err := parseOptions(options, nil, getenv, io.Discard)
	if err != nil {
		return s, err
	}
	return s, s.finishParts()
}
