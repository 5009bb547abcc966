// Package catalog holds the product's reference data: the official channels a
// user can verify through (brands, hotlines, regulators) and the scam types
// with their script stages, counter-facts and advice. The data lives in
// embedded YAML files with a source for every fact; Load validates them so a
// broken file fails the tests instead of a user's reply.
package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

//go:embed channels.yaml
var embeddedChannels []byte

//go:embed scamtypes.yaml
var embeddedScamTypes []byte

// Text is one user-visible string in Simplified Chinese and English.
type Text struct {
	Zh string `yaml:"zh"`
	En string `yaml:"en"`
}

// In returns the text in lang ("zh", "zh-Hant", "en", ...). Chinese variants
// read the Simplified text, every other language reads English; an empty
// translation falls back to the other one so a reply never shows a blank.
func (t Text) In(lang string) string {
	if normalizeLang(lang) == langEn {
		return cmpOr(t.En, t.Zh)
	}
	return cmpOr(t.Zh, t.En)
}

// Lines is a list of user-visible sentences per language.
type Lines struct {
	Zh []string `yaml:"zh"`
	En []string `yaml:"en"`
}

// In returns the lines in lang, with the same fallback as Text.In.
func (l Lines) In(lang string) []string {
	first, second := l.Zh, l.En
	if normalizeLang(lang) == langEn {
		first, second = l.En, l.Zh
	}
	if len(first) == 0 {
		return second
	}
	return first
}

// Channel types.
const (
	ChannelPhone = "phone"
	ChannelApp   = "app"
	ChannelWeb   = "web"
	ChannelSMS   = "sms"
)

// Channel is one way to reach an organisation, as found in the sources.
type Channel struct {
	// Type is phone, app, web or sms.
	Type string `yaml:"type"`
	// Value is the number, app name or path, or address, copied from the
	// reference data unchanged.
	Value string `yaml:"value"`
	// Note is the research note (English): what the channel is for and how
	// sure we are. Not meant for users as is.
	Note string `yaml:"note"`
	// Verified is true when this exact value was found in a source. Only
	// verified channels are ever offered to users.
	Verified bool `yaml:"verified"`
	// Scope, when set, limits the number to these ISO 3166 regions or
	// subdivisions (a provincial line, a call centre abroad). Scoped channels
	// are never offered because the bot cannot know the user's province.
	Scope []string `yaml:"scope"`
}

// AppPath is a "open the app yourself" route, the safe fallback when a brand
// has no verified number. It never contains a number.
type AppPath struct {
	Zh string `yaml:"zh"`
	En string `yaml:"en"`
	// Source says what supports the path: a channel of the entry or common
	// knowledge of the app.
	Source string `yaml:"source"`
}

// Brand kinds. KindHotline and KindGovernment are where people report or ask;
// the others are companies scammers pretend to be.
const (
	KindPlatform   = "platform"
	KindCourier    = "courier"
	KindBank       = "bank"
	KindPayment    = "payment"
	KindTelecom    = "telecom"
	KindAirline    = "airline"
	KindGovernment = "government"
	KindHotline    = "hotline"
)

// Brand is one entry of channels.yaml: a company, agency or hotline with the
// channels to verify through.
type Brand struct {
	// ID is stable: region prefix + name (cn_alipay).
	ID string `yaml:"id"`
	// Names are the display names.
	Names Text `yaml:"names"`
	// Aliases are strings that appear in chats (brand and product names,
	// nicknames, look-alikes). Some are short or common words (移动, 平安,
	// SF); match them with care.
	Aliases []string `yaml:"aliases"`
	// Region is ISO 3166 alpha-2.
	Region string `yaml:"region"`
	// Kind is one of the Kind constants.
	Kind string `yaml:"kind"`
	// Channels are the ways to reach the organisation, in the order the
	// research ranked them.
	Channels []Channel `yaml:"channels"`
	// HowToVerify is one sentence for the bot's reply.
	HowToVerify Text `yaml:"how_to_verify"`
	// AppPath is the optional in-app route (see AppPath).
	AppPath *AppPath `yaml:"app_path"`
	// Source is the primary source of the entry; Also lists further sources.
	Source string   `yaml:"source"`
	Also   []string `yaml:"also"`
	// SourceQuality grades Source: gov, official, news, 3p, code or none.
	SourceQuality string `yaml:"source_quality"`
	// Verified is the reference's entry-level flag (the first channel was
	// confirmed). Trust each channel's own flag, not this one.
	Verified bool `yaml:"verified"`
	// Impersonable is computed at load: see Catalog.ImpersonableBrands.
	Impersonable bool `yaml:"-"`
}

// Script stages, in the order a scam unfolds.
const (
	StageOpen        = "open"
	StageCredibility = "credibility"
	StagePivot       = "pivot"
	StagePayment     = "payment"
)

// StageNames lists the script stages in order.
var StageNames = []string{StageOpen, StageCredibility, StagePivot, StagePayment}

// StageText explains one stage to the user.
type StageText struct {
	// What is happening now.
	What Text `yaml:"what"`
	// Next is what they will ask next, so the user recognises it.
	Next Text `yaml:"next"`
}

// Stages holds the four script stages of a scam type.
type Stages struct {
	Open        StageText `yaml:"open"`
	Credibility StageText `yaml:"credibility"`
	Pivot       StageText `yaml:"pivot"`
	Payment     StageText `yaml:"payment"`
}

// ScamType is one entry of scamtypes.yaml.
type ScamType struct {
	// Slug is the stable id the classifier reports.
	Slug  string `yaml:"slug"`
	Names Text   `yaml:"names"`
	// Impersonates are brand ids this type typically pretends to be.
	Impersonates []string `yaml:"impersonates"`
	// VerifyVia are brand ids to verify through, most relevant first.
	VerifyVia []string `yaml:"verify_via"`
	// Sources are keys of the sources table (Catalog.Source).
	Sources []string `yaml:"sources"`
	// Stages explain the script stage by stage.
	Stages Stages `yaml:"stages"`
	// NeverDoes is the counter-fact: what the real company or authority
	// never does.
	NeverDoes Lines `yaml:"never_does"`
	// Advice is the warning text, without the per-brand channel part.
	Advice Text `yaml:"advice"`
}

// Stage returns the text of one stage by name (StageOpen, ...).
func (t ScamType) Stage(name string) (StageText, bool) {
	switch name {
	case StageOpen:
		return t.Stages.Open, true
	case StageCredibility:
		return t.Stages.Credibility, true
	case StagePivot:
		return t.Stages.Pivot, true
	case StagePayment:
		return t.Stages.Payment, true
	}
	return StageText{}, false
}

// Source is one row of the sources table of scam-types.md.
type Source struct {
	Key string `yaml:"-"`
	// Quality is gov, official, news, 3p or code, with a remark when the
	// page is a reprint.
	Quality string   `yaml:"quality"`
	URLs    []string `yaml:"urls"`
	// Title says what the source supports.
	Title string `yaml:"title"`
}

type channelsFile struct {
	SchemaVersion  int                 `yaml:"schema_version"`
	RegionalLines  map[string][]string `yaml:"regional_lines"`
	FallbackAdvice Text                `yaml:"fallback_advice"`
	Entries        []Brand             `yaml:"entries"`
}

type scamTypesFile struct {
	SchemaVersion int               `yaml:"schema_version"`
	Types         []ScamType        `yaml:"types"`
	Sources       map[string]Source `yaml:"sources"`
}

// Catalog is the loaded, validated data with lookups built once; it is
// read-only after Load and safe for concurrent use.
type Catalog struct {
	brands         []Brand
	brandByID      map[string]int
	impersonable   []Brand
	types          []ScamType
	typeBySlug     map[string]int
	sources        map[string]Source
	regionalLines  map[string][]string
	fallbackAdvice Text
	// offers[lang][brandID] is what VerifyVia shows for a brand, built at
	// load so a reply costs map lookups only.
	offers map[string]map[string][]Verify
}

// Load parses and validates the embedded data files.
func Load() (*Catalog, error) {
	return parse(embeddedChannels, embeddedScamTypes)
}

// MustLoad is Load for main: the embedded files are fixed at build time and
// checked by the tests, so an error here is a programming error.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func parse(channelsYAML, scamTypesYAML []byte) (*Catalog, error) {
	var channels channelsFile
	if err := decodeStrict(channelsYAML, &channels); err != nil {
		return nil, fmt.Errorf("parse channels.yaml: %w", err)
	}
	var types scamTypesFile
	if err := decodeStrict(scamTypesYAML, &types); err != nil {
		return nil, fmt.Errorf("parse scamtypes.yaml: %w", err)
	}
	if err := validateChannels(&channels); err != nil {
		return nil, fmt.Errorf("channels.yaml: %w", err)
	}
	c := &Catalog{
		brands:         channels.Entries,
		brandByID:      make(map[string]int, len(channels.Entries)),
		types:          types.Types,
		typeBySlug:     make(map[string]int, len(types.Types)),
		sources:        make(map[string]Source, len(types.Sources)),
		regionalLines:  channels.RegionalLines,
		fallbackAdvice: channels.FallbackAdvice,
	}
	for i, b := range c.brands {
		c.brandByID[b.ID] = i
	}
	for key, s := range types.Sources {
		s.Key = key
		c.sources[key] = s
	}
	if err := validateScamTypes(&types, c.brandByID, channels.Entries); err != nil {
		return nil, fmt.Errorf("scamtypes.yaml: %w", err)
	}
	for i, t := range c.types {
		c.typeBySlug[t.Slug] = i
	}
	c.markImpersonable()
	c.buildOffers()
	return c, nil
}

func decodeStrict(data []byte, into any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty file")
		}
		return err
	}
	return nil
}

// commercialKinds are the kinds whose every entry is a company a scammer can
// pretend to be.
var commercialKinds = map[string]bool{
	KindPlatform: true, KindCourier: true, KindBank: true,
	KindPayment: true, KindTelecom: true, KindAirline: true,
}

// markImpersonable applies the rule documented on ImpersonableBrands.
func (c *Catalog) markImpersonable() {
	namedByType := map[string]bool{}
	for _, t := range c.types {
		for _, id := range t.Impersonates {
			namedByType[id] = true
		}
	}
	for i := range c.brands {
		b := &c.brands[i]
		b.Impersonable = commercialKinds[b.Kind] || namedByType[b.ID]
		if b.Impersonable {
			c.impersonable = append(c.impersonable, *b)
		}
	}
}

// Brands returns every entry of channels.yaml, hotlines and agencies
// included, in file order. The slice is a copy; the Brand values share their
// slices with the catalog and must not be modified.
func (c *Catalog) Brands() []Brand {
	return slices.Clone(c.brands)
}

// ImpersonableBrands returns the entries a conversation can be impersonating,
// for brand detection. The rule: an entry counts when its kind is platform,
// courier, bank, payment, telecom or airline, or when a scam type names it
// in `impersonates` (that is how government agencies such as cn_12333
// social security, cn_nhsa_service medical insurance, cn_pbccrc credit
// reference and cn_12378 the banking regulator get in). Other hotline and
// government entries (96110, 110, 12381, the FTC, ...) are where the user
// reports or asks: a chat that mentions "110" or "报警" is not impersonating
// anybody, so they stay out.
func (c *Catalog) ImpersonableBrands() []Brand {
	return slices.Clone(c.impersonable)
}

// Brand returns the entry with this id.
func (c *Catalog) Brand(id string) (Brand, bool) {
	i, ok := c.brandByID[id]
	if !ok {
		return Brand{}, false
	}
	return c.brands[i], true
}

// ScamTypes returns every scam type in file order (a copy).
func (c *Catalog) ScamTypes() []ScamType {
	return slices.Clone(c.types)
}

// ScamType returns the scam type with this slug.
func (c *Catalog) ScamType(slug string) (ScamType, bool) {
	i, ok := c.typeBySlug[slug]
	if !ok {
		return ScamType{}, false
	}
	return c.types[i], true
}

// Source returns the source with this key, so a reply or a moderator can
// show where a fact comes from.
func (c *Catalog) Source(key string) (Source, bool) {
	s, ok := c.sources[key]
	return s, ok
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
