package dev.sinapse.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sinapse.api.SinapseException;
import dev.sinapse.io.files.AtomicFiles;
import dev.sinapse.onnx.proto.ModelProto;
import dev.sinapse.onnx.proto.OperatorSetIdProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading and writing .onnx files. An ONNX file is a bare serialized ModelProto, with no magic or checksum of its own,
 * so what tells it from other bytes is that it parses and has what every model has: an IR version, a graph and an
 * opset for the default domain. A truncated file fails the parse, or lacks the opset (written after the graph).
 */
public final class OnnxFiles {
    /** protobuf's own bound on one message: a model with larger weights keeps them as external data, which we refuse. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 1024;

    private OnnxFiles() {
    }

    /** The model in {@code file}; every failure is one line naming the file. */
    public static ModelProto read(Path file) {
        if (!Files.exists(file)) {
            throw fail(file, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw fail(file, "not a regular file");
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw fail(file, "larger than " + MAX_BYTES + " bytes, more than one ONNX message holds");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw fail(file, "cannot read: " + AtomicFiles.describe(e));
        }
        if (bytes.length == 0) {
            throw fail(file, "empty file, not an ONNX model");
        }
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(64);   // a hostile file cannot nest graphs deep enough to overflow the stack
            model = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw fail(file, "not an ONNX model, or truncated (" + AtomicFiles.oneLine(String.valueOf(e.getMessage())) + ")");
        } catch (IOException e) {
            throw fail(file, "cannot read: " + AtomicFiles.describe(e));
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph()) {
            throw fail(file, "not an ONNX model (it has no IR version or no graph)");
        }
        if (model.getOpsetImportList().stream().noneMatch(OnnxFiles::isDefaultDomain)) {
            throw fail(file, "not an ONNX model, or truncated: it imports no opset of the ONNX domain");
        }
        return model;
    }

    /** Writes {@code model} atomically: a failure leaves an earlier {@code file} as it was. */
    public static void write(Path file, ModelProto model) {
        try {
            AtomicFiles.write(file, ByteBuffer.wrap(model.toByteArray()));
        } catch (IOException e) {
            throw new SinapseException("cannot write " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The opset version of the default ("" or "ai.onnx") domain. */
    static long opset(ModelProto model) {
        return model.getOpsetImportList().stream().filter(OnnxFiles::isDefaultDomain).mapToLong(OperatorSetIdProto::getVersion)
                .max().orElse(0);
    }

    static boolean isDefaultDomain(OperatorSetIdProto o) {
        return o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
    }

    private static SinapseException fail(Path file, String what) {
        return new SinapseException(file + ": " + what);
    }
}
