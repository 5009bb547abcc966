package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/group"
	"github.com/scamguard/scamguard/bot/media"
	"github.com/scamguard/scamguard/bot/moderation"
	"github.com/scamguard/scamguard/bot/private"
	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/bot/transport"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/intent"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/region"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/transcribe"
)

// Deps are the parts the bot wires together; Store, Classifier, Replies
// and Catalog are required.
type Deps struct {
	Store      *store.Store
	Classifier *classifier.Classifier
	Replies    *reply.Renderer
	Catalog    *catalog.Catalog
	// Regions guesses where a user lives; nil builds one from Catalog.
	Regions *region.Inferrer
	// Intents reads greetings and "I already paid" in a user's own words;
	// nil builds the embedded one.
	Intents *intent.Reader
	Log     *slog.Logger
	// Judge is the LLM stage for the grey zone; nil or disabled runs on
	// heuristics alone.
	Judge *llm.Judge
	// Review is the moderators' queue; nil runs the bot without
	// moderation (the buttons still answer).
	Review *review.Queue
	// ModChat is the moderators' group, where new cases are posted; 0
	// leaves them to /queue and the console.
	ModChat int64
	// ModLang is the language of the moderators' group: zh or en (empty:
	// en).
	ModLang string
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
// or webhook, package transport) → the chat's lane (one update of a chat at
// a time) → the chat's room (private, group, moderation), which keeps the
// conversation and runs detection (package conversation) → reply → the
// send queue (package sendqueue).
type Bot struct {
	cfg  Config
	room *conversation.Room
	// The rooms.
	private    *private.Chats
	groups     *group.Groups
	guardians  *group.Guardians
	moderation *moderation.Desk
	// menus are the command menus registerCommands sets (commands.yaml).
	menus menus
	// Transport.
	lanes    *transport.Lanes
	poller   *transport.Poller
	webhook  *transport.Webhook
	consumer *transport.Consumer
	// mode is "polling" or "webhook" once Run chose; /healthz says it.
	mode atomic.Value
	// beforeHandle, when set (tests only, see export_test.go), runs first
	// in every handled update: the way to make a handler panic on purpose.
	beforeHandle func(*models.Update)
}

// New checks the token with getMe and builds the bot; it does not start
// receiving updates (Run does).
func New(ctx context.Context, cfg Config, deps Deps) (*Bot, error) {
	if cfg.Token == "" {
		return nil, ErrNoToken
	}
	if cfg.APIURL == "" {
		return nil, errors.New("new bot: no Bot API URL")
	}
	if deps.Store == nil || deps.Classifier == nil || deps.Replies == nil || deps.Catalog == nil {
		return nil, errors.New("new bot: store, classifier, replies and catalog are required")
	}
	cfg = cfg.withDefaults()
	if cfg.WebhookURL != "" && cfg.WebhookSecret == "" {
		// The same on every replica and in `scamguard webhook set`.
		cfg.WebhookSecret = transport.DerivedWebhookSecret(cfg.Token)
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	api, username, err := connect(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	texts, err := conversation.LoadTexts()
	if err != nil {
		return nil, err
	}
	menus, err := loadMenus()
	if err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	if err := deps.fillReaders(); err != nil {
		return nil, fmt.Errorf("new bot: %w", err)
	}
	var known detect.KnownScripts // a nil *review.Queue must stay a nil interface
	if deps.Review != nil {
		known = deps.Review
		// The review queue keeps its own keys about a chat: /mydata lists
		// them and /forget deletes the cards they point to.
		deps.Store.AttachChatRecords(deps.Review)
	}
	metrics := conversation.NewMetrics()
	room := &conversation.Room{
		Store: deps.Store, Classifier: deps.Classifier, Replies: deps.Replies, Catalog: deps.Catalog,
		Regions: deps.Regions, Intents: deps.Intents,
		Review: deps.Review, ModChat: deps.ModChat, Log: log, API: api, Username: username,
		Send: sendqueue.New(sendqueue.Config{Keyspace: deps.Store.Keyspace(), APIURL: cfg.APIURL, Token: cfg.Token,
			ChatInterval: cfg.ChatInterval, GroupInterval: cfg.GroupInterval, GlobalInterval: cfg.GlobalInterval,
			ChatCap: cfg.SendChatCap, Lease: cfg.IntakeClaimAfter}, log, metrics.Registry),
		Metrics: metrics, Texts: texts,
		Pipeline: detect.Standard(deps.Classifier, known, deps.Judge),
	}
	b := &Bot{cfg: cfg, room: room, menus: menus, lanes: transport.NewLanes(cfg.Workers)}
	var pages *media.Pages // one bound on pictures read at once, for every room
	if deps.Screenshots != nil {
		pages = media.NewPages(deps.Screenshots, 0)
	}
	b.groups, b.guardians, err = group.New(room, group.Config{Cooldown: cfg.GroupCooldown,
		WarningsPerHour: cfg.GroupWarningsPerHour, ThreadGap: cfg.GroupThreadGap, Screenshots: pages})
	if err != nil {
		return nil, err
	}
	b.moderation = moderation.New(room, deps.Console, deps.ModLang)
	b.private, err = private.New(room, private.Config{BurstWindow: cfg.BurstWindow, Screenshots: pages,
		Transcriber: deps.Transcriber, ClaimAfter: cfg.IntakeClaimAfter, ChatMenus: menus.chatMenus()}, b.lanes.Add, b.moderation, b.guardians)
	if err != nil {
		return nil, err
	}
	b.poller = &transport.Poller{APIURL: cfg.APIURL, Token: cfg.Token, Timeout: cfg.PollTimeout, Log: log,
		Handle: b.HandleUpdate, Skip: b.skipUpdate}
	intake := deps.Store.Intake()
	b.webhook = &transport.Webhook{Secret: cfg.WebhookSecret, Store: b.storeUpdate(intake), Skip: b.skipUpdate,
		Refused: metrics.WebhookAuth.Inc, Failed: func(id int64, err error) { room.Degrade("intake", err) }}
	b.consumer = &transport.Consumer{Intake: intake, Name: store.ConsumerName(), ClaimAfter: cfg.IntakeClaimAfter,
		Log: log, Handle: b.handleStored, Skip: b.skipUpdate}
	return b, nil
}

// fillReaders builds the region and intent readers a caller did not pass
// (cmd/scamguard builds them once; tests and library callers may not).
func (d *Deps) fillReaders() error {
	var err error
	if d.Regions == nil {
		if d.Regions, err = region.New(d.Catalog); err != nil {
			return err
		}
	}
	if d.Intents == nil {
		if d.Intents, err = intent.New(); err != nil {
			return err
		}
	}
	return nil
}

// connect builds the Bot API client and asks getMe who the bot is.
func connect(ctx context.Context, cfg Config, log *slog.Logger) (*tgbot.Bot, string, error) {
	api, err := tgbot.New(cfg.Token,
		tgbot.WithServerURL(strings.TrimRight(cfg.APIURL, "/")),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(cfg.PollTimeout, &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}),
		// Updates never go through the library: package transport polls
		// and the webhook handler decodes, one update at a time.
		// The library's errors name the method and the status, never the
		// token (it masks it in URLs).
		tgbot.WithErrorsHandler(func(err error) { log.Warn("telegram", "err", err) }),
	)
	if err != nil {
		return nil, "", fmt.Errorf("new bot: %w", err)
	}
	me, err := api.GetMe(ctx)
	if err != nil {
		if errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound) {
			return nil, "", errors.New("telegram refused the bot token: check it with @BotFather")
		}
		return nil, "", fmt.Errorf("reach the Bot API at %s: %w", cfg.APIURL, err)
	}
	return api, me.Username, nil
}

// Username is the bot's @username as getMe reported it.
func (b *Bot) Username() string { return b.room.Username }

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
			return fmt.Errorf("listen on %s for HTTP: %w", b.cfg.HTTPAddr, err)
		}
		server = &http.Server{Handler: b.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { serveErr <- server.Serve(listener) }()
		b.room.Log.Info("serving HTTP", "addr", listener.Addr().String())
	}
	if b.cfg.MetricsAddr != "" {
		listener, err := net.Listen("tcp", b.cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s for /metrics: %w", b.cfg.MetricsAddr, err)
		}
		metricsServer := &http.Server{Handler: b.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go metricsServer.Serve(listener)
		defer metricsServer.Close()
		b.room.Log.Info("serving /metrics", "addr", listener.Addr().String())
	}
	b.registerCommands(ctx)
	unansweredCtx, stopUnanswered := context.WithCancel(ctx)
	unanswered := make(chan struct{})
	go func() {
		defer close(unanswered)
		b.moderation.RunUnanswered(unansweredCtx)
	}()
	burstsCtx, stopBursts := context.WithCancel(ctx)
	defer stopBursts()
	go b.private.RunBursts(burstsCtx)

	var err error
	if b.cfg.WebhookURL != "" {
		err = b.runWebhook(ctx, serveErr)
	} else {
		err = b.runPolling(ctx, serveErr)
	}
	stopUnanswered()
	<-unanswered // its messages are queued before the send queue drains
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
	if _, err := b.room.API.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		b.room.Log.Warn("deleteWebhook failed; polling anyway", "err", err)
	}
	b.room.Log.Info("receiving updates by long polling", "bot", b.room.Username)
	b.mode.Store("polling")
	pollCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		b.poller.Run(pollCtx)
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

// runWebhook serves until ctx ends: the HTTP server (Handler) stores the
// updates in the intake, and the consumer hands them to the lanes. The
// webhook is registered once, by `scamguard webhook set`, not here: a
// start that registered would make every other replica's secret wrong.
func (b *Bot) runWebhook(ctx context.Context, serveErr <-chan error) error {
	if info, err := transport.WebhookInfo(ctx, b.cfg.APIURL, b.cfg.Token); err != nil {
		b.room.Log.Warn("getWebhookInfo failed; serving the webhook anyway", "err", err)
	} else if info.URL != b.cfg.WebhookURL {
		b.room.Log.Warn("Telegram has another webhook registered: run `scamguard webhook set` once",
			"registered", info.URL, "configured", b.cfg.WebhookURL)
	}
	b.room.Log.Info("receiving updates by webhook", "bot", b.room.Username, "url", b.cfg.WebhookURL)
	b.mode.Store("webhook")
	consumeCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		b.consumer.Run(consumeCtx)
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

// drain is the second half of a graceful stop: answer every pending burst
// now, let every queued update finish, then give the send queue its time.
func (b *Bot) drain() {
	b.private.Stop()
	b.lanes.Close()
	b.lanes.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.ShutdownTimeout)
	defer cancel()
	b.room.Send.Close(ctx)
	b.room.Log.Info("bot stopped")
}

// HandleUpdate takes one update from long polling and queues it on its
// chat's lane; it returns at once. (Webhook updates go through the durable
// intake and handleStored.)
func (b *Bot) HandleUpdate(upd *models.Update) {
	received := time.Now()
	chat, kind := transport.Route(upd)
	b.room.Metrics.Updates.WithLabelValues(kind).Inc()
	if chat == 0 {
		return
	}
	if !b.lanes.Add(chat, func() { b.handle(chat, upd, received) }) {
		b.room.Log.Warn("update arrived while stopping; not handled", "update", upd.ID)
	}
}

// handleStored takes one update from the durable intake (webhook mode) and
// queues it on its chat's lane; done acknowledges it once handled. The
// intake de-duplicated it when it was stored, and a redelivered entry
// must be handled again, not taken for a repeat.
func (b *Bot) handleStored(upd *models.Update, done func()) bool {
	received := time.Now()
	chat, kind := transport.Route(upd)
	b.room.Metrics.Updates.WithLabelValues(kind).Inc()
	if chat == 0 {
		done()
		return true
	}
	return b.lanes.Add(chat, func() {
		b.run(chat, upd, received, true)
		done()
	})
}

// handle runs one update on its chat's lane, once per update id.
func (b *Bot) handle(chat int64, upd *models.Update, received time.Time) {
	b.run(chat, upd, received, false)
}

// run handles one update. A panic is recovered, logged and counted, and
// the user gets an apology instead of silence.
func (b *Bot) run(chat int64, upd *models.Update, received time.Time, deduplicated bool) {
	defer func() {
		if p := recover(); p != nil {
			b.room.Metrics.Panics.Inc()
			// Skipped, not retried: the offset (or the webhook's 200) has
			// moved past it already, and the user hears that it failed.
			b.room.Metrics.Poison.WithLabelValues("handle").Inc()
			b.room.Log.Error("panic while handling an update", "update", upd.ID, "chat", chat, "panic", p, "stack", string(debug.Stack()))
			b.room.SendText(chat, transport.IsGroup(upd), "apology", b.room.Texts.In(transport.LangOf(upd)).Apology, 0)
		}
	}()
	if b.beforeHandle != nil {
		b.beforeHandle(upd)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if !deduplicated {
		first, err := b.room.Store.FirstDelivery(ctx, upd.ID)
		if err != nil {
			// Without the store a repeat cannot be told apart; answering
			// twice beats not answering.
			b.room.Degrade("store", err)
		} else if !first {
			b.room.Metrics.Duplicates.Inc()
			return
		}
	}
	switch {
	case upd.Message != nil:
		b.onMessage(ctx, upd.Message, received)
	case upd.EditedMessage != nil:
		b.onEdited(ctx, upd.EditedMessage)
	case upd.CallbackQuery != nil:
		b.onCallback(ctx, upd.CallbackQuery)
	case upd.MyChatMember != nil:
		b.groups.OnMembership(ctx, upd.MyChatMember)
	}
}

// skipUpdate logs and counts an update that could not be decoded. The
// error names the field and the type, never the update's text.
func (b *Bot) skipUpdate(id int64, err error) {
	b.room.Metrics.Poison.WithLabelValues("decode").Inc()
	b.room.Log.Warn("update skipped: cannot decode it", "update", id, "err", err)
}

// onMessage hands a new message to its room.
func (b *Bot) onMessage(ctx context.Context, msg *models.Message, received time.Time) {
	switch {
	case msg.Chat.Type == models.ChatTypePrivate:
		b.private.OnMessage(ctx, msg, received)
	case b.room.ModChat != 0 && msg.Chat.ID == b.room.ModChat:
		// The moderators' group is for cards and moderator commands,
		// not a family to watch.
		if name, _, ok := b.room.Command(msg.Text); ok && name != "" {
			b.moderation.OnCommand(ctx, msg, name)
		}
	default:
		b.groups.OnMessage(ctx, msg, received)
	}
}

// onEdited hands an edited message to its room.
func (b *Bot) onEdited(ctx context.Context, msg *models.Message) {
	if msg.Chat.Type == models.ChatTypePrivate {
		b.private.OnEdited(ctx, msg)
		return
	}
	b.groups.OnEdited(ctx, msg)
}
