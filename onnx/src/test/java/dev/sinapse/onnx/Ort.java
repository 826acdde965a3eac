package dev.sinapse.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sinapse.onnx.proto.ModelProto;
import java.util.Map;

/** Runs a model in the real onnxruntime: the reference the exported files must agree with. */
final class Ort {
    record Output(float[][] probabilities, long[] labels) {
    }

    private Ort() {
    }

    static Output run(ModelProto model, float[][] rows) throws OrtException {
        return run(model.toByteArray(), rows);
    }

    static Output run(byte[] model, float[][] rows) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                    OnnxTensor x = OnnxTensor.createTensor(env, rows);
                    OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, x))) {
                float[][] p = (float[][]) r.get(OnnxExport.PROBABILITIES).orElseThrow().getValue();
                long[] labels = r.get(OnnxExport.LABEL).isPresent() ? (long[]) r.get(OnnxExport.LABEL).get().getValue() : null;
                return new Output(p, labels);
            }
        }
    }
}
