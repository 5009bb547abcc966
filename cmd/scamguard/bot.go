package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/scamguard/scamguard/bot"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// storeOptions are the store's settings, listed with the bot's in --help
// and the README's option table.
var storeOptions = []bot.Option{
	{Env: store.EnvURL, Flag: "redis-url", Default: "(embedded, not persisted)", Meaning: "Redis: redis://[user:pass@]host:port/db; ?addr=… adds Cluster nodes, ?master_name=… uses Sentinel. Empty: an in-process store that is lost on restart."},
	{Env: store.EnvAddrs, Flag: "redis-addrs", Meaning: "Comma-separated Redis addresses instead of a URL; more than one means Cluster."},
	{Env: store.EnvPrefix, Flag: "redis-prefix", Default: "sg:", Meaning: "Prefix of every Redis key, to share a server."},
	{Env: store.EnvTTL, Flag: "redis-ttl", Default: "72h", Meaning: "How long a conversation is kept after its last message."},
	{Env: store.EnvWindow, Flag: "redis-window", Default: "50", Meaning: "How many messages of a conversation are kept."},
}

// reviewOptions are the moderation settings (SCAMGUARD_HTTP_ADDR, which
// the console shares with /healthz, is the bot's own).
var reviewOptions = []bot.Option{
	{Env: review.EnvModerators, Flag: "moderators", Meaning: "Comma-separated Telegram user ids of moderators; empty: nobody can decide cases."},
	{Env: review.EnvModChat, Flag: "mod-chat", Meaning: "Chat id of the moderators' group, where new cases are posted as cards; empty: cases wait for /queue and the console."},
	{Env: review.EnvConsoleURL, Flag: "console-url", Default: "http://<SCAMGUARD_HTTP_ADDR>", Meaning: "Public base URL of the console at /review, for /console sign-in links."},
	{Env: review.EnvConsoleSecret, Default: "random per start", Meaning: "Key (16+ characters) that signs console sign-in links; set it when several replicas serve the console."},
}

// botOptions are every setting `scamguard bot` reads besides its own.
func botOptions() []bot.Option {
	options := append([]bot.Option(nil), storeOptions...)
	for _, v := range llm.EnvVars {
		meaning := strings.ToUpper(v.Meaning[:1]) + v.Meaning[1:] + "."
		// Secrets stay out of flags: a command line is visible to every
		// user of the machine.
		flag := ""
		if v.Name != llm.EnvAPIKey {
			flag = strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(v.Name, "SCAMGUARD_"), "_", "-"))
		}
		options = append(options, bot.Option{Env: v.Name, Flag: flag, Default: v.Default, Meaning: meaning})
	}
	return append(options, reviewOptions...)
}

// runBot wires the bot in a straight line: settings, store, classifier and
// catalogue, bot; then runs it until SIGINT or SIGTERM.
func runBot(args []string, stdout, stderr io.Writer) int {
	extra := botOptions()
	cfg, err := bot.ParseConfig(args, os.Getenv, stderr, extra)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, bot.Usage(extra))
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	getenv := cfg.Getenv(os.Getenv)
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	storeCfg, err := store.ConfigFromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	st, err := store.Open(ctx, storeCfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	defer st.Close()
	e, err := newEngine()
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	llmCfg, err := llm.ConfigFromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	judge, err := llm.New(llmCfg, e.catalog, llm.StoreCache(st), llm.StoreBudget(st, llmCfg.UserPerHour, llmCfg.GlobalPerHour), log)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	if !judge.Enabled() {
		log.Info(heuristicsOnly)
	}
	reviewCfg, err := review.SettingsFromEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	// Photos are read when Tesseract is installed; voice notes when a
	// transcription endpoint is configured. Without them the bot asks for
	// the text instead.
	var screenshots *screenshot.Reader
	if engine := ocr.New(ocr.Config{}); engine.Check(ctx) != nil {
		log.Warn("OCR is not installed: photos get asked for the text instead (apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra)")
	} else {
		screenshots = screenshot.New(engine)
	}
	b, err := bot.New(ctx, cfg, bot.Deps{
		Screenshots: screenshots, Transcriber: transcribe.New(transcribe.ConfigFromEnv(getenv)),
		Store: st, Classifier: e.classifier, Replies: e.replies, Catalog: e.catalog, Log: log, Judge: judge,
		Review:  review.New(st, review.Config{Moderators: reviewCfg.Moderators}),
		ModChat: reviewCfg.ModChat,
		Console: review.ConsoleConfig{BaseURL: reviewCfg.ConsoleURL, Secret: reviewCfg.ConsoleSecret},
	})
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	if err := b.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	return 0
}
