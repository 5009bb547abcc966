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
	"syscall"

	"github.com/scamguard/scamguard/bot"
	"github.com/scamguard/scamguard/intent"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/ocr"
	"github.com/scamguard/scamguard/region"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// runBot wires the bot in a straight line: settings, store, classifier and
// catalogue, bot; then runs it until SIGINT or SIGTERM.
func runBot(args []string, stdout, stderr io.Writer) int {
	opts, err := botSettings(args, os.Getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, optionsHelp(botOptions()))
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, opts.store, log)
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
	regions, err := region.New(e.catalog)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	intents, err := intent.New()
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	llmCfg := opts.llm
	judge, err := llm.New(llmCfg, e.catalog, llm.StoreCache(st), llm.StoreBudget(st, llmCfg.UserPerHour, llmCfg.GlobalPerHour), log)
	if err != nil {
		fmt.Fprintf(stderr, "scamguard bot: %v\n", err)
		return 1
	}
	judge.ShareDebounce(st)
	if !judge.Enabled() {
		log.Info(heuristicsOnly)
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
	b, err := bot.New(ctx, opts.bot, bot.Deps{
		Screenshots: screenshots, Transcriber: transcribe.New(opts.transcribe),
		Store: st, Classifier: e.classifier, Replies: e.replies, Catalog: e.catalog, Log: log, Judge: judge,
		Regions: regions, Intents: intents,
		Review:  review.New(st, review.Config{Moderators: opts.review.moderators, AnswerWithin: opts.review.answerWithin}),
		ModChat: opts.review.modChat, ModLang: opts.review.modLang,
		Console: review.ConsoleConfig{BaseURL: opts.review.consoleURL, Secret: opts.review.consoleSecret},
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
