// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors and .npy: round trips, layout rules, and malformed files rejected with clear errors.
#include "dpsapf/core/npy.h"
#include "dpsapf/core/safetensors.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>

using namespace dpsapf::core;

namespace {

RawTensor floats(std::vector<std::int64_t> shape, float start)
{
    RawTensor tensor;
    tensor.dtype = TensorDType::F32;
    tensor.shape = std::move(shape);
    std::vector<float> values(static_cast<std::size_t>(tensor.numel()));
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = start + static_cast<float>(i);
    }
    tensor.bytes.resize(values.size() * 4);
    std::memcpy(tensor.bytes.data(), values.data(), tensor.bytes.size());
    return tensor;
}

std::string fileBytes(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

// A safetensors file with a hand-written header and `dataBytes` bytes of data.
std::string handMade(const std::string &header, std::size_t dataBytes)
{
    std::string out;
    const std::uint64_t length = header.size();
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
    }
    return out + header + std::string(dataBytes, '\0');
}

} // namespace

class TestSafetensors final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEverything();
    void writerFollowsTheLayoutRules();
    void readsTheFixtureUNet();
    void malformedFilesAreErrors_data();
    void malformedFilesAreErrors();
    void npyRoundTripAndFixture();
    void npyRejectsUnsupportedFiles();

private:
    QTemporaryDir m_dir;
    std::filesystem::path file(const char *name) const
    {
        return m_dir.filePath(QString::fromLatin1(name)).toStdString();
    }
};

void TestSafetensors::roundTripKeepsEverything()
{
    SafetensorsContent content;
    content.tensors["b.weight"] = floats({2, 3}, 1.0F);
    content.tensors["a.bias"] = floats({3}, -4.0F);
    RawTensor scalar = floats({}, 0.5F);
    content.tensors["alpha"] = scalar;
    RawTensor empty = floats({0, 4}, 0.0F);
    content.tensors["empty"] = empty;
    RawTensor ids;
    ids.dtype = TensorDType::I64;
    ids.shape = {1, 2};
    ids.bytes.assign(16, 7);
    content.tensors["position_ids"] = ids;
    content.metadata["note"] = "hello";
    QVERIFY(writeSafetensors(file("round.safetensors"), content).hasValue());

    const auto read = readSafetensors(file("round.safetensors"));
    QVERIFY2(read.hasValue(), read ? "" : read.error().message.c_str());
    QCOMPARE(read->tensors.size(), std::size_t(5));
    for (const auto &[name, tensor] : content.tensors) {
        const RawTensor &back = read->tensors.at(name);
        QCOMPARE(back.shape, tensor.shape);
        QCOMPARE(back.bytes, tensor.bytes);
        QCOMPARE(int(back.dtype), int(tensor.dtype));
    }
    QCOMPARE(read->metadata.at("format"), std::string("pt"));
    QCOMPARE(read->metadata.at("note"), std::string("hello"));
}

void TestSafetensors::writerFollowsTheLayoutRules()
{
    SafetensorsContent content;
    content.tensors["z"] = floats({5}, 0.0F);
    RawTensor wide;
    wide.dtype = TensorDType::F64;
    wide.shape = {2};
    wide.bytes.assign(16, 0);
    content.tensors["y"] = wide;
    QVERIFY(writeSafetensors(file("layout.safetensors"), content).hasValue());
    const std::string bytes = fileBytes(file("layout.safetensors"));
    std::uint64_t length = 0;
    std::memcpy(&length, bytes.data(), 8);
    QCOMPARE(length % 8, std::uint64_t(0));
    const auto header = readSafetensorsHeader(file("layout.safetensors"));
    QVERIFY(header.hasValue());
    // Wider dtypes first: the F64 tensor starts the buffer.
    QCOMPARE(header->entries.front().name, std::string("y"));
    QCOMPARE(header->entries.front().begin, std::uint64_t(0));
}

void TestSafetensors::readsTheFixtureUNet()
{
    const auto header = readSafetensorsHeader(DPSAPF_TEST_DATA_DIR
                                              "/sd-tiny/unet/diffusion_pytorch_model.safetensors");
    QVERIFY2(header.hasValue(), header ? "" : header.error().message.c_str());
    QCOMPARE(header->entries.size(), std::size_t(686));
    QCOMPARE(header->metadata.at("format"), std::string("pt"));
}

void TestSafetensors::malformedFilesAreErrors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    const auto row = [](const char *name, const std::string &bytes, const char *reason) {
        QTest::newRow(name) << QByteArray(bytes.data(), static_cast<int>(bytes.size()))
                            << QString::fromLatin1(reason);
    };
    row("too short", std::string("\x01\x02", 2), "too short");
    row("header past end", handMade("{}", 0).replace(0, 1, "\x7f"), "past the end");
    std::string huge(8, '\0');
    huge[4] = 0x10; // 2^36 bytes
    row("oversized header", huge + "{}", "exceeds 100 MB");
    row("not json", handMade("{not json", 0), "not a JSON object");
    row("unknown dtype",
        handMade(R"({"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})", 1),
        "unsupported dtype");
    row("offsets outside",
        handMade(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8),
        "outside the file");
    row("size mismatch", handMade(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
        "do not match");
    row("hole", handMade(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8), "hole");
    row("overlap",
        handMade(
            R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
            8),
        "hole or overlaps");
    row("trailing bytes", handMade(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 12),
        "trailing");
    row("negative dim", handMade(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
        "negative");
    row("missing field", handMade(R"({"a":{"dtype":"F32","shape":[1]}})", 4), "needs dtype");
}

void TestSafetensors::malformedFilesAreErrors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const std::filesystem::path path = file("bad.safetensors");
    writeBytes(path, bytes.toStdString());
    const auto read = readSafetensors(path);
    QVERIFY(!read.hasValue());
    const QString message = QString::fromStdString(read.error().message);
    QVERIFY2(message.contains(reason), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("bad.safetensors")), qPrintable(message));
}

void TestSafetensors::npyRoundTripAndFixture()
{
    const RawTensor tensor = floats({2, 3, 4}, 0.25F);
    QVERIFY(writeNpy(file("x.npy"), tensor).hasValue());
    const std::string bytes = fileBytes(file("x.npy"));
    QCOMPARE((10 + (std::uint8_t(bytes[8]) | (std::uint8_t(bytes[9]) << 8))) % 64, 0);
    const auto back = readNpy(file("x.npy"));
    QVERIFY(back.hasValue());
    QCOMPARE(back->shape, tensor.shape);
    QCOMPARE(back->bytes, tensor.bytes);
    RawTensor labels;
    labels.dtype = TensorDType::I64;
    labels.shape = {3};
    labels.bytes.assign(24, 1);
    QVERIFY(writeNpy(file("y.npy"), labels).hasValue());
    QVERIFY(fileBytes(file("y.npy")).find("'shape': (3,)") != std::string::npos);

    const auto timesteps = readNpy(DPSAPF_TEST_DATA_DIR "/sd-tiny/unet/timestep.npy");
    QVERIFY(timesteps.hasValue());
    QCOMPARE(int(timesteps->dtype), int(TensorDType::I64));
    QCOMPARE(timesteps->shape, std::vector<std::int64_t>{2});
    std::int64_t values[2];
    std::memcpy(values, timesteps->bytes.data(), 16);
    QCOMPARE(values[0], std::int64_t(1));
    QCOMPARE(values[1], std::int64_t(999));
}

void TestSafetensors::npyRejectsUnsupportedFiles()
{
    writeBytes(file("notnpy.npy"), "hello world, not an array");
    const auto bad = readNpy(file("notnpy.npy"));
    QVERIFY(!bad.hasValue());
    QVERIFY(bad.error().message.find("bad magic") != std::string::npos);
    std::string fortran = fileBytes(DPSAPF_TEST_DATA_DIR "/sd-tiny/unet/timestep.npy");
    fortran.replace(fortran.find("False"), 5, "True ");
    writeBytes(file("fortran.npy"), fortran);
    QVERIFY(readNpy(file("fortran.npy")).error().message.find("fortran_order") !=
            std::string::npos);
    std::string bigEndian = fileBytes(DPSAPF_TEST_DATA_DIR "/sd-tiny/unet/timestep.npy");
    bigEndian.replace(bigEndian.find("<i8"), 3, ">i8");
    writeBytes(file("big.npy"), bigEndian);
    QVERIFY(readNpy(file("big.npy")).error().message.find("unsupported dtype") !=
            std::string::npos);
    std::string truncated = fileBytes(DPSAPF_TEST_DATA_DIR "/sd-tiny/unet/timestep.npy");
    truncated.resize(truncated.size() - 3);
    writeBytes(file("short.npy"), truncated);
    QVERIFY(readNpy(file("short.npy")).error().message.find("shape needs") != std::string::npos);
}

DPSAPF_REGISTER_TEST(TestSafetensors)
#include "test_safetensors.moc"
