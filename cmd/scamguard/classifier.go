package main

import (
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/reply"
)

// engine is the classifier and the reply renderer, built from the embedded
// signals and catalogue.
type engine struct {
	classifier *classifier.Classifier
	replies    *reply.Renderer
}

func newEngine() (*engine, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	c, err := classifier.Default(cat.ImpersonableBrands())
	if err != nil {
		return nil, err
	}
	replies, err := reply.New(cat)
	if err != nil {
		return nil, err
	}
	return &engine{classifier: c, replies: replies}, nil
}
