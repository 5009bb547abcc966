package main

import (
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/reply"
)

// engine is the classifier and the reply renderer, built from the embedded
// signals and catalogue.
type engine struct {
	classifier *classifier.Classifier
	replies    *reply.Renderer
	brands     []classifier.Brand
	catalog    *catalog.Catalog
	// judge is the LLM stage and pipeline the stages users get; nil until
	// check or eval builds them (newPipeline).
	judge    *llm.Judge
	pipeline *detect.Pipeline
	// media reads screenshots (OCR) for check, on first use.
	media *media
}

// newEngine loads the catalogue and the signals side by side (each is a
// YAML parse of tens of milliseconds), then builds the classifier.
func newEngine() (*engine, error) {
	type loaded struct {
		cat *catalog.Catalog
		err error
	}
	catalogDone := make(chan loaded, 1)
	go func() {
		cat, err := catalog.Load()
		catalogDone <- loaded{cat, err}
	}()
	type decoded struct {
		model, teller *classifier.WordModel
		err           error
	}
	modelDone := make(chan decoded, 1)
	go func() {
		m, err := classifier.EmbeddedModel()
		if err != nil {
			modelDone <- decoded{err: err}
			return
		}
		t, err := classifier.EmbeddedTeller()
		modelDone <- decoded{m, t, err}
	}()
	set, err := classifier.LoadSignals(classifier.EmbeddedSignals())
	cl := <-catalogDone
	md := <-modelDone
	if md.err != nil {
		return nil, md.err
	}
	if err != nil {
		return nil, err
	}
	if cl.err != nil {
		return nil, cl.err
	}
	brands := classifier.BrandsFromCatalog(cl.cat.ImpersonableBrands())
	c, err := classifier.New(set, brands)
	if err != nil {
		return nil, err
	}
	c = c.WithModel(md.model).WithTeller(md.teller)
	replies, err := reply.New(cl.cat)
	if err != nil {
		return nil, err
	}
	return &engine{classifier: c, replies: replies, brands: brands, catalog: cl.cat, media: &media{}}, nil
}
