package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// Deps are the parts the bot wires together; all are required but Log.
type Deps struct {
	Store      *store.Store
	Classifier *classifier.Classifier
	Replies    *reply.Renderer
	Catalog    *catalog.Catalog
	Log        *slog.Logger
	// Judge is the LLM stage for the grey zone; nil or disabled runs on
	// heuristics alone.
	Judge *llm.Judge
	// Review is the moderators' queue; nil runs the bot without
	// moderation (the buttons still answer).
	Review *review.Queue
	// ModChat is the moderators' group, where new cases are posted; 0
	// leaves them to /queue and the console.
	ModChat int64
	// Console configures the web console at /review (served when Review is
	// set); the bot fills in OnDecision.
	Console review.ConsoleConfig
	// Screenshots reads photos and image files (OCR); nil answers that
	// pictures cannot be read and asks for the text.
	Screenshots *screenshot.Reader
	// Transcriber turns voice notes into text; nil asks for a screenshot
	// or the words typed.
	Transcriber *transcribe.Transcriber
}

// Bot is the Telegram adapter. Updates flow one way: intake (long polling
// or webhook) → the chat's lane (one update of a chat at a time) →
// conversation store → classifier → reply → the send queue.
type Bot struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	api      *tgbot.Bot
	username string // the bot's @username, for /cmd@name
	texts    texts
	group    map[string]groupUITexts // group_texts.yaml
	console  *review.Console
	metrics  *metrics
	// pipeline is detection, built once from Deps (detect.Standard).
	pipeline *detect.Pipeline
	lanes    *lanes
	outbox   *outbox
	bursts   *bursts
	intake   intake
	media    mediaState
	// stopping makes bursts answer at once: a stopping bot must not leave
	// a burst unanswered.
	stopping atomic.Bool
	// fallbackWarned is when each group was last warned while the store
	// failed (chat → time.Time); see fallbackWarn.
	fallbackWarned sync.Map
	// beforeHandle, when set (tests only, see export_test.go), runs first
	// in every handled update: the way to make a handler panic on purpose.
	beforeHandle func(*models.Update)
}

// allowedUpdates is set explicitly: Telegram's default leaves out
// chat-member updates, and a default can change under us.
var allowedUpdates = tgbot.AllowedUpdates{
	models.AllowedUpdateMessage, models.AllowedUpdateEditedMessage,
	models.AllowedUpdateCallbackQuery, models.AllowedUpdateMyChatMember,
}

// New checks the token with getMe and builds the bot; it does not start
// receiving updates (Run does).
func New(ctx context.Context, cfg Config, deps Deps) (*Bot, error) {
	if cfg.Token == "" {
		return nil, ErrNoToken
	}
	if deps.Store == nil || deps.Classifier == nil || deps.Replies == nil || deps.Catalog == nil {
		return nil, errors.New("new bot: store, classifier, replies and catalog are required")
	}
	cfg = cfg.withDefaults()
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		// Chosen before anything serves, so that every request is checked
		// against the secret Telegram will be given.
		cfg.WebhookSecret = randomToken()
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	t, err := loadTexts()
	if err != nil {
		return nil, err
	}
	group, err := loadLangTexts[groupUITexts]("group texts", groupTextsYAML)
	if err != nil {
		return nil, err
	}
	b := &Bot{cfg: cfg, deps: deps, log: log, texts: t, group: group, metrics: newMetrics(), lanes: newLanes(cfg.Workers)}
	var known detect.KnownScripts // a nil *review.Queue must stay a nil interface
	if deps.Review != nil {
		known = deps.Review
	}
	b.pipeline = detect.Standard(deps.Classifier, known, deps.Judge)
	b.outbox = newOutbox(cfg, log, b.metrics)
	b.bursts = newBursts()
	b.api, err = tgbot.New(cfg.Token,
		tgbot.WithServerURL(strings.TrimRight(cfg.APIURL, "/")),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(cfg.PollTimeout, &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}),
		// Updates never go through the library: poll.go polls and the
		// webhook handler decodes, one update at a time.
		// The library's errors name the method and the status, never the
		// token (it masks it in URLs).
		tgbot.WithErrorsHandler(func(err error) { log.Warn("telegram", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	me, err := b.api.GetMe(ctx)
	if err != nil {
		if errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) {
			return nil, fmt.Errorf("telegram refused the bot token (%s): check it with @BotFather", EnvToken)
		}
		return nil, fmt.Errorf("reach the Bot API at %s: %w", cfg.APIURL, err)
	}
	b.username = me.Username
	if deps.Review != nil {
		consoleCfg := deps.Console
		consoleCfg.OnDecision = b.afterDecision
		if consoleCfg.Log == nil {
			consoleCfg.Log = log
		}
		b.console = review.NewConsole(deps.Review, consoleCfg)
	}
	return b, nil
}

// Username is the bot's @username as getMe reported it.
func (b *Bot) Username() string { return b.username }

// Run receives updates until ctx ends, then stops gracefully: intake
// stops, pending bursts are answered, in-flight updates finish and the
// send queue drains (bounded by Config.ShutdownTimeout). It returns nil
// after a clean stop.
func (b *Bot) Run(ctx context.Context) error {
	var server *http.Server
	serveErr := make(chan error, 1)
	if b.cfg.HTTPAddr != "" {
		listener, err := net.Listen("tcp", b.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (%s): %w", b.cfg.HTTPAddr, EnvHTTPAddr, err)
		}
		server = &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { serveErr <- server.Serve(listener) }()
		b.log.Info("serving HTTP", "addr", listener.Addr().String())
	}
	if b.cfg.MetricsAddr != "" {
		listener, err := net.Listen("tcp", b.cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (%s): %w", b.cfg.MetricsAddr, EnvMetricsAddr, err)
		}
		metricsServer := &http.Server{Handler: b.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go metricsServer.Serve(listener)
		defer metricsServer.Close()
		b.log.Info("serving /metrics", "addr", listener.Addr().String())
	}
	b.registerCommands(ctx)

	var err error
	if b.cfg.WebhookURL != "" {
		err = b.runWebhook(ctx, serveErr)
	} else {
		err = b.runPolling(ctx, serveErr)
	}
	if server != nil {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		server.Shutdown(shutdownCtx)
		cancel()
	}
	b.drain()
	return err
}

// runPolling long-polls getUpdates until ctx ends.
func (b *Bot) runPolling(ctx context.Context, serveErr <-chan error) error {
	// A webhook left set by an earlier run makes getUpdates fail.
	if _, err := b.api.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		b.log.Warn("deleteWebhook failed; polling anyway", "err", err)
	}
	b.log.Info("receiving updates by long polling", "bot", b.username)
	b.intake.mode.Store("polling")
	pollCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		b.poll(pollCtx)
		close(done)
	}()
	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		err = fmt.Errorf("HTTP server: %w", err)
	}
	stop()
	<-done
	return err
}

// runWebhook registers the webhook with its secret and serves until ctx
// ends; the HTTP server (Handler) receives the updates.
func (b *Bot) runWebhook(ctx context.Context, serveErr <-chan error) error {
	_, err := b.api.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL:            b.cfg.WebhookURL,
		SecretToken:    b.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates,
	})
	if err != nil {
		return fmt.Errorf("setWebhook %s: %w", b.cfg.WebhookURL, err)
	}
	b.log.Info("receiving updates by webhook", "bot", b.username, "url", b.cfg.WebhookURL)
	b.intake.mode.Store("webhook")
	select {
	case <-ctx.Done():
		return nil
	case err := <-serveErr:
		return fmt.Errorf("HTTP server: %w", err)
	}
}

// drain is the second half of a graceful stop: answer every pending burst
// now, let every queued update finish, then give the send queue its time.
func (b *Bot) drain() {
	b.stopping.Store(true)
	for _, chat := range b.bursts.chats() {
		b.lanes.add(chat, func() { b.flush(chat, 0, true) })
	}
	b.lanes.close()
	b.lanes.wait()
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.ShutdownTimeout)
	defer cancel()
	b.outbox.close(ctx)
	b.log.Info("bot stopped")
}

// HandleUpdate takes one update from either intake and queues it on its
// chat's lane; it returns at once.
func (b *Bot) HandleUpdate(upd *models.Update) {
	received := time.Now()
	chat, kind := route(upd)
	b.metrics.updates.WithLabelValues(kind).Inc()
	if chat == 0 {
		return
	}
	if !b.lanes.add(chat, func() { b.handle(chat, upd, received) }) {
		b.log.Warn("update arrived while stopping; not handled", "update", upd.ID)
	}
}

// route names the chat an update belongs to and its kind, for the lanes
// and the metrics; chat 0 means the bot has nothing to do with it.
func route(upd *models.Update) (chat int64, kind string) {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID, "message"
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.ID, "edited_message"
	case upd.CallbackQuery != nil:
		if m := upd.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID, "callback_query"
		}
		if m := upd.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID, "callback_query"
		}
		return upd.CallbackQuery.From.ID, "callback_query"
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID, "my_chat_member"
	}
	return 0, "other"
}

// handle runs one update on its chat's lane. A panic is recovered, logged
// and counted, and the user gets an apology instead of silence.
func (b *Bot) handle(chat int64, upd *models.Update, received time.Time) {
	defer func() {
		if p := recover(); p != nil {
			b.metrics.panics.Inc()
			// Skipped, not retried: the offset (or the webhook's 200) has
			// moved past it already, and the user hears that it failed.
			b.metrics.poison.WithLabelValues("handle").Inc()
			b.log.Error("panic while handling an update", "update", upd.ID, "chat", chat, "panic", p, "stack", string(debug.Stack()))
			b.sendText(chat, isGroup(upd), "apology", b.texts.in(langOfUpdate(upd)).Apology, 0)
		}
	}()
	if b.beforeHandle != nil {
		b.beforeHandle(upd)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first, err := b.deps.Store.FirstDelivery(ctx, upd.ID)
	if err != nil {
		// Without the store a repeat cannot be told apart; answering twice
		// beats not answering.
		b.degrade("store", err)
	} else if !first {
		b.metrics.duplicates.Inc()
		return
	}
	switch {
	case upd.Message != nil:
		b.onMessage(ctx, upd.Message, received)
	case upd.EditedMessage != nil:
		b.onEdited(ctx, upd.EditedMessage)
	case upd.CallbackQuery != nil:
		b.onCallback(ctx, upd.CallbackQuery)
	case upd.MyChatMember != nil:
		b.onMembership(ctx, upd.MyChatMember)
	}
}

// degrade logs and counts a dependency that failed while the bot went on
// without it.
func (b *Bot) degrade(dependency string, err error) {
	b.metrics.degraded.WithLabelValues(dependency).Inc()
	b.log.Warn("degraded: "+dependency+" failed; carrying on without it", "err", err)
}

func isGroup(upd *models.Update) bool {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.Type != models.ChatTypePrivate
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.Type != models.ChatTypePrivate
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message.Message != nil:
		return upd.CallbackQuery.Message.Message.Chat.Type != models.ChatTypePrivate
	}
	return false
}

func langOfUpdate(upd *models.Update) string {
	switch {
	case upd.Message != nil && upd.Message.From != nil:
		return upd.Message.From.LanguageCode
	case upd.EditedMessage != nil && upd.EditedMessage.From != nil:
		return upd.EditedMessage.From.LanguageCode
	case upd.CallbackQuery != nil:
		return upd.CallbackQuery.From.LanguageCode
	}
	return ""
}

// sendText queues a plain notice (texts.yaml HTML) to chat, replying to
// replyTo when it is not 0.
func (b *Bot) sendText(chat int64, group bool, what, text string, replyTo int) {
	params := &tgbot.SendMessageParams{ChatID: chat, Text: text, ParseMode: models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tgbot.True()}}
	if replyTo != 0 {
		params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	b.queue(chat, group, what, params)
}

// queue hands a sendMessage to the send queue.
func (b *Bot) queue(chat int64, group bool, what string, params *tgbot.SendMessageParams) {
	b.outbox.send(chat, group, what, func(ctx context.Context) error {
		_, err := b.api.SendMessage(ctx, params)
		return err
	})
}

// randomToken is crypto/rand.Text (128 bits, 26 base32 characters) in
// lower case: ids for cases and secrets, safe in callback data, in URLs and
// in a /start parameter (validToken).
func randomToken() string {
	return strings.ToLower(rand.Text())
}
