package train

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/guanxi-dev/guanxi/models/modeldir"
	"github.com/guanxi-dev/guanxi/models/onnxpb"
)

// opsetVersion is the ONNX operator set the graph is written against.
const opsetVersion = 17

// Initializer names, following the layer names of the network.
const (
	initEmbeddings   = "embeddings.weight"
	initDense1W      = "dense.weight"
	initDense1B      = "dense.bias"
	initClassifierW  = "classifier.weight"
	initClassifierB  = "classifier.bias"
	initUnsqueezeAx  = "const.axis2"
	initReduceAx     = "const.axis1"
	initOne          = "const.one"
	symBatch         = "batch"
	symSequence      = "sequence"
	producerName     = "guanxi"
	graphDescription = "Token embeddings, masked mean pooling, dense+ReLU, dense, softmax."
)

// Save writes the model into dir as model.onnx, tokenizer.json and
// config.json, creating dir if needed.
func (m *Model) Save(dir string) error {
	files, err := m.Files()
	if err != nil {
		return err
	}
	if err := files.Write(dir); err != nil {
		return fmt.Errorf("train: save: %w", err)
	}
	return nil
}

// Files returns the content of the model directory without writing it.
func (m *Model) Files() (modeldir.Files, error) {
	onnx, err := m.ONNX()
	if err != nil {
		return modeldir.Files{}, err
	}
	cfg := m.Config(modeldir.Version(onnx))
	cfgJSON, err := cfg.Marshal()
	if err != nil {
		return modeldir.Files{}, fmt.Errorf("train: %w", err)
	}
	return modeldir.Files{Model: onnx, Tokenizer: m.tokenizerJSON, Config: cfgJSON}, nil
}

// Config returns the config.json of the model with the given version.
func (m *Model) Config(version string) *modeldir.Config {
	dim, hidden, _ := m.net.dims()
	id2label, label2id := modeldir.LabelMaps(m.labels)
	return &modeldir.Config{
		ModelType:    modeldir.ModelType,
		Name:         m.name,
		Version:      version,
		ID2Label:     id2label,
		Label2ID:     label2id,
		MaxLength:    m.maxLength,
		VocabSize:    m.net.emb.rows,
		EmbeddingDim: dim,
		HiddenDim:    hidden,
		Lowercase:    m.lowercase,
		Thresholds:   maps.Clone(m.thresholds),
		Training:     m.training,
	}
}

// ONNX returns the model.onnx encoding of the network: inputs input_ids and
// attention_mask (int64 [batch, sequence]), output probs (float32 [batch,
// labels]).
func (m *Model) ONNX() ([]byte, error) {
	n := m.net
	vocab := int64(n.emb.rows)
	dim, hidden, labels := n.dims()
	labelsJSON, err := json.Marshal(m.labels)
	if err != nil {
		return nil, fmt.Errorf("train: encode labels: %w", err)
	}

	node := func(op string, inputs []string, output string, attrs ...onnxpb.Attribute) onnxpb.Node {
		return onnxpb.Node{OpType: op, Name: output, Inputs: inputs, Outputs: []string{output}, Attributes: attrs}
	}
	g := &onnxpb.Graph{
		Name:      m.name,
		DocString: graphDescription,
		Nodes: []onnxpb.Node{
			node("Gather", []string{initEmbeddings, modeldir.InputIDs}, "token_embeddings"),
			node("Cast", []string{modeldir.AttentionMask}, "mask", onnxpb.IntAttr("to", int64(onnxpb.Float))),
			node("Unsqueeze", []string{"mask", initUnsqueezeAx}, "mask_expanded"),
			node("Mul", []string{"token_embeddings", "mask_expanded"}, "masked_embeddings"),
			node("ReduceSum", []string{"masked_embeddings", initReduceAx}, "summed", onnxpb.IntAttr("keepdims", 0)),
			node("ReduceSum", []string{"mask", initReduceAx}, "token_count", onnxpb.IntAttr("keepdims", 1)),
			// A row that is all padding would divide by zero; its count
			// is raised to 1 so it pools to the zero vector.
			node("Max", []string{"token_count", initOne}, "safe_count"),
			node("Div", []string{"summed", "safe_count"}, "pooled"),
			node("MatMul", []string{"pooled", initDense1W}, "dense_matmul"),
			node("Add", []string{"dense_matmul", initDense1B}, "dense_out"),
			node("Relu", []string{"dense_out"}, "hidden"),
			node("MatMul", []string{"hidden", initClassifierW}, "classifier_matmul"),
			node("Add", []string{"classifier_matmul", initClassifierB}, "logits"),
			node("Softmax", []string{"logits"}, modeldir.OutputProbs, onnxpb.IntAttr("axis", -1)),
		},
		Initializers: []onnxpb.Tensor{
			onnxpb.FloatTensor(initEmbeddings, []int64{vocab, int64(dim)}, n.emb.w),
			onnxpb.FloatTensor(initDense1W, []int64{int64(dim), int64(hidden)}, n.w1.w),
			onnxpb.FloatTensor(initDense1B, []int64{int64(hidden)}, n.b1.w),
			onnxpb.FloatTensor(initClassifierW, []int64{int64(hidden), int64(labels)}, n.w2.w),
			onnxpb.FloatTensor(initClassifierB, []int64{int64(labels)}, n.b2.w),
			onnxpb.Int64Tensor(initUnsqueezeAx, []int64{1}, []int64{2}),
			onnxpb.Int64Tensor(initReduceAx, []int64{1}, []int64{1}),
			onnxpb.FloatTensor(initOne, nil, []float32{1}),
		},
		Inputs: []onnxpb.ValueInfo{
			onnxpb.TensorValue(modeldir.InputIDs, onnxpb.Int64, onnxpb.SymDim(symBatch), onnxpb.SymDim(symSequence)),
			onnxpb.TensorValue(modeldir.AttentionMask, onnxpb.Int64, onnxpb.SymDim(symBatch), onnxpb.SymDim(symSequence)),
		},
		Outputs: []onnxpb.ValueInfo{
			onnxpb.TensorValue(modeldir.OutputProbs, onnxpb.Float, onnxpb.SymDim(symBatch), onnxpb.Dim(int64(labels))),
		},
	}
	model := &onnxpb.Model{
		IRVersion:    onnxpb.IRVersion8,
		OpsetImports: []onnxpb.OperatorSetID{{Version: opsetVersion}},
		ProducerName: producerName,
		DocString:    "guanxi sentence classifier " + m.name,
		Graph:        g,
		MetadataProps: []onnxpb.StringStringEntry{
			{Key: modeldir.MetaLabels, Value: string(labelsJSON)},
			{Key: modeldir.MetaTokenizerSHA256, Value: modeldir.SHA256(m.tokenizerJSON)},
		},
	}
	return model.Marshal(), nil
}
