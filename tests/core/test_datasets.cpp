// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset layer: IDX/Fashion-MNIST, class folders, .npy/.npz, image zips, PNG codec, transforms,
// split and fingerprint. Every bad input is created at run time in a QTemporaryDir.
#include "data/image_codec.h"
#include "data/image_transforms.h"
#include "data/in_memory_dataset.h"
#include "dpsapf/core/image_dataset.h"
#include "dpsapf/core/npy.h"

#include "test_registry.h"

#include <QTemporaryDir>
#include <QtTest>

#include <zip.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <set>

using namespace dpsapf::core;
namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path &path, const std::string &bytes)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

void writeGzip(const fs::path &path, const std::string &bytes)
{
    fs::create_directories(path.parent_path());
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
}

std::string readBytes(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string idxBytes(std::uint32_t magic, const std::vector<std::uint32_t> &dims,
                     const std::string &data)
{
    std::string out;
    for (const std::uint32_t word : [&] {
             std::vector<std::uint32_t> words{magic};
             words.insert(words.end(), dims.begin(), dims.end());
             return words;
         }()) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((word >> shift) & 0xFFU));
        }
    }
    return out + data;
}

// n images of 2x3 px with pixel value 10 * i + p, labels i % 3.
void writeIdxPair(const fs::path &images, const fs::path &labels, int n, bool gzip)
{
    std::string pixels;
    std::string labelBytes;
    for (int i = 0; i < n; ++i) {
        for (int p = 0; p < 6; ++p) {
            pixels.push_back(static_cast<char>(10 * i + p));
        }
        labelBytes.push_back(static_cast<char>(i % 3));
    }
    const std::string imageFile = idxBytes(0x803, {std::uint32_t(n), 3, 2}, pixels);
    const std::string labelFile = idxBytes(0x801, {std::uint32_t(n)}, labelBytes);
    if (gzip) {
        writeGzip(images, imageFile);
        writeGzip(labels, labelFile);
    } else {
        writeBytes(images, imageFile);
        writeBytes(labels, labelFile);
    }
}

Image makeImage(int width, int height, int channels, int seed)
{
    Image image{width, height, channels, {}};
    image.pixels.resize(image.byteCount());
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        image.pixels[i] =
            static_cast<std::uint8_t>((i * 37 + static_cast<std::size_t>(seed) * 11) % 256);
    }
    return image;
}

void writePngFile(const fs::path &path, const Image &image)
{
    fs::create_directories(path.parent_path());
    QVERIFY(writePng(path, image).hasValue());
}

std::string pngBytes(const Image &image)
{
    return encodePng(image).value();
}

// A baseline JPEG built by hand: 1x1 gray, a quantisation table of ones, one-code Huffman tables
// (DC: category 0, AC: end of block), so the only coefficient is DC = 0 and the pixel is 128.
std::string minimalJpeg()
{
    std::string jpeg("\xFF\xD8", 2);                // SOI
    jpeg += std::string("\xFF\xDB\x00\x43\x00", 5); // DQT, table 0, 8-bit
    jpeg += std::string(64, '\x01');                // all quantisers 1
    jpeg += std::string("\xFF\xC0\x00\x0B\x08\x00\x01\x00\x01\x01\x01\x11\x00", 13); // SOF0 1x1
    for (const char tableClass : {'\x00', '\x10'}) { // DHT: DC 0, then AC 0
        jpeg += std::string("\xFF\xC4\x00\x14", 4) + tableClass;
        jpeg += '\x01' + std::string(15, '\x00') + '\x00'; // one 1-bit code for symbol 0
    }
    jpeg += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00", 10); // SOS
    jpeg += '\x3F';                     // bits 0 (DC 0), 0 (EOB), 1-padding
    jpeg += std::string("\xFF\xD9", 2); // EOI
    return jpeg;
}

// Members are (name, bytes); `deflate` chooses the compression of every member.
void writeZip(const fs::path &path, const std::vector<std::pair<std::string, std::string>> &members,
              bool deflate = false)
{
    fs::create_directories(path.parent_path());
    int code = 0;
    zip_t *archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    QVERIFY(archive != nullptr);
    for (const auto &[name, bytes] : members) {
        zip_source_t *source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE);
        QVERIFY(index >= 0);
        QCOMPARE(zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                                          deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0),
                 0);
    }
    QCOMPARE(zip_close(archive), 0);
}

RawTensor tensor(TensorDType dtype, std::vector<std::int64_t> shape, const void *data,
                 std::size_t bytes)
{
    RawTensor result;
    result.dtype = dtype;
    result.shape = std::move(shape);
    result.bytes.resize(bytes);
    std::memcpy(result.bytes.data(), data, bytes);
    return result;
}

std::string npy(const RawTensor &t)
{
    return serializeNpy(t).value();
}

bool mentions(const Error &error, const std::string &text)
{
    const bool found = error.message.find(text) != std::string::npos;
    if (!found) {
        qWarning("message '%s' lacks '%s'", error.message.c_str(), text.c_str());
    }
    return found;
}

} // namespace

class TestDatasets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fashionMnist();
    void idxRawAndGzipAgree();
    void idxTruncatedGzip();
    void idxWrongMagicAndDimensions();
    void idxCountMismatch();
    void folderClassesAndMixedImages();
    void folderEmpty();
    void folderBadFiles();
    void folderSixteenBitAndAlpha();
    void pngRoundTrip();
    void jpegInClassFolder();
    void npyLayouts();
    void npyErrors();
    void npzLayouts();
    void npzWithoutKeys();
    void imageZip();
    void imageZipErrors();
    void splitDeterminism();
    void importedSplitAndIndexFiles();
    void transforms();
    void fingerprint();

private:
    QTemporaryDir m_dir;
    fs::path path(const std::string &name) const
    {
        return fs::path(m_dir.path().toStdString()) / name;
    }
};

void TestDatasets::fashionMnist()
{
    if (!fs::exists(fs::path(kFashionMnistDir) / "train-labels-idx1-ubyte.gz")) {
        QSKIP("dataset-fashion-mnist is not installed");
    }
    LoadReport report;
    auto train = loadFashionMnist(kFashionMnistDir, true, &report);
    QVERIFY2(train.hasValue(), train ? "" : train.error().message.c_str());
    const ImageDataset &data = *train.value();
    QCOMPARE(data.size(), std::int64_t(60000));
    QCOMPARE(report.loaded, std::int64_t(60000));
    QCOMPARE(report.imageSizes.at("28x28"), std::int64_t(60000));
    QCOMPARE(data.label(0), std::int64_t(9));
    QCOMPARE(data.classNames().at(9), std::string("Ankle boot"));
    QCOMPARE(data.classNames().at(0), std::string("T-shirt/top"));
    std::vector<std::int64_t> counts(10, 0);
    for (std::int64_t i = 0; i < data.size(); ++i) {
        ++counts.at(static_cast<std::size_t>(data.label(i)));
    }
    QCOMPARE(counts, std::vector<std::int64_t>(10, 6000));
    const Image first = data.image(0);
    QCOMPARE(first.width, 28);
    QCOMPARE(first.height, 28);
    QCOMPARE(first.channels, 1);
    // Pinned (checked with an independent Python implementation): the Debian training split.
    QCOMPARE(datasetFingerprint(data), std::string("7189442a35cc4ddb"));

    auto test = loadFashionMnist(kFashionMnistDir, false, nullptr);
    QVERIFY(test.hasValue());
    QCOMPARE(test.value()->size(), std::int64_t(10000));
    std::vector<std::int64_t> testCounts(10, 0);
    for (std::int64_t i = 0; i < test.value()->size(); ++i) {
        ++testCounts.at(static_cast<std::size_t>(test.value()->label(i)));
    }
    QCOMPARE(testCounts, std::vector<std::int64_t>(10, 1000));

    auto missing = loadFashionMnist(path("nowhere"), true, nullptr);
    QVERIFY(!missing.hasValue());
    QVERIFY(mentions(missing.error(), "nowhere"));
}

void TestDatasets::idxRawAndGzipAgree()
{
    writeIdxPair(path("raw/images"), path("raw/labels"), 5, false);
    writeIdxPair(path("gz/images.gz"), path("gz/labels.gz"), 5, true);
    auto raw = loadDataset({DatasetSource::Kind::Idx, path("raw/images"), path("raw/labels"), {}},
                           BadFilePolicy::Fail, nullptr);
    auto gz =
        loadDataset({DatasetSource::Kind::Idx, path("gz/images.gz"), path("gz/labels.gz"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(raw.hasValue() && gz.hasValue());
    QCOMPARE(raw.value()->size(), std::int64_t(5));
    const Image image = raw.value()->image(4);
    QCOMPARE(image.width, 2);
    QCOMPARE(image.height, 3);
    QCOMPARE(int(image.pixels[5]), 45);
    QCOMPARE(raw.value()->label(4), std::int64_t(1));
    QCOMPARE(raw.value()->classNames(), (std::vector<std::string>{"0", "1", "2"}));
    QCOMPARE(datasetFingerprint(*raw.value()), datasetFingerprint(*gz.value()));

    // A raw file shorter than its header says.
    std::string shortened = readBytes(path("raw/images"));
    shortened.resize(shortened.size() - 3);
    writeBytes(path("raw/short"), shortened);
    auto truncated =
        loadDataset({DatasetSource::Kind::Idx, path("raw/short"), path("raw/labels"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!truncated.hasValue());
    QVERIFY(mentions(truncated.error(), path("raw/short").string()));
    QVERIFY(mentions(truncated.error(), "truncated"));
}

void TestDatasets::idxTruncatedGzip()
{
    writeIdxPair(path("tgz/images.gz"), path("tgz/labels.gz"), 200, true);
    std::string bytes = readBytes(path("tgz/images.gz"));
    bytes.resize(bytes.size() / 2);
    writeBytes(path("tgz/images.gz"), bytes);
    auto result =
        loadDataset({DatasetSource::Kind::Idx, path("tgz/images.gz"), path("tgz/labels.gz"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!result.hasValue());
    QVERIFY(mentions(result.error(), path("tgz/images.gz").string()));
    QVERIFY(mentions(result.error(), "truncated gzip"));
    QCOMPARE(result.error().code, ErrorCode::Format);
}

void TestDatasets::idxWrongMagicAndDimensions()
{
    writeIdxPair(path("magic/images"), path("magic/labels"), 2, false);
    writeBytes(path("magic/bad"), idxBytes(0x12345678, {2, 3, 2}, std::string(12, '\0')));
    auto wrongMagic =
        loadDataset({DatasetSource::Kind::Idx, path("magic/bad"), path("magic/labels"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!wrongMagic.hasValue());
    QVERIFY(mentions(wrongMagic.error(), path("magic/bad").string() + ": wrong magic 0x12345678"));

    // Labels given as the images file: 3 dimensions where 1 is expected.
    auto swapped =
        loadDataset({DatasetSource::Kind::Idx, path("magic/images"), path("magic/images"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!swapped.hasValue());
    QVERIFY(mentions(swapped.error(), "has 3 dimensions"));

    writeBytes(path("magic/flat"), idxBytes(0x802, {2, 6}, std::string(12, '\0')));
    auto flat =
        loadDataset({DatasetSource::Kind::Idx, path("magic/flat"), path("magic/labels"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!flat.hasValue());
    QVERIFY(mentions(flat.error(), path("magic/flat").string() + ": has 2 dimensions"));
}

void TestDatasets::idxCountMismatch()
{
    writeIdxPair(path("count/images"), path("count/ignored"), 3, false);
    writeBytes(path("count/labels"), idxBytes(0x801, {2}, std::string(2, '\1')));
    auto result =
        loadDataset({DatasetSource::Kind::Idx, path("count/images"), path("count/labels"), {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!result.hasValue());
    QVERIFY(mentions(result.error(), path("count/labels").string() + ": has 2 labels"));
    QVERIFY(mentions(result.error(), path("count/images").string() + " has 3 images"));
}

void TestDatasets::folderClassesAndMixedImages()
{
    const Image gray = makeImage(28, 28, 1, 1);
    const Image rgb = makeImage(32, 32, 3, 2);
    writePngFile(path("mixed/zebra/a.png"), gray);
    writePngFile(path("mixed/apple/b.png"), rgb);
    writePngFile(path("mixed/apple/nested/c.png"), gray);
    writeBytes(path("mixed/README.txt"), "loose files beside the class folders are ignored");
    writeBytes(path("mixed/apple/.DS_Store"), "hidden");
    LoadReport report;
    auto result = loadDataset({DatasetSource::Kind::ClassFolders, path("mixed"), {}, {}},
                              BadFilePolicy::Fail, &report);
    QVERIFY2(result.hasValue(), result ? "" : result.error().message.c_str());
    const ImageDataset &data = *result.value();
    QCOMPARE(data.classNames(), (std::vector<std::string>{"apple", "zebra"}));
    QCOMPARE(data.size(), std::int64_t(3));
    QCOMPARE(data.label(0), std::int64_t(0)); // apple/b.png
    QCOMPARE(data.label(1), std::int64_t(0)); // apple/nested/c.png
    QCOMPARE(data.label(2), std::int64_t(1)); // zebra/a.png
    QCOMPARE(report.loaded, std::int64_t(3));
    QCOMPARE(report.ignored, std::int64_t(2));
    QCOMPARE(report.imageSizes.size(), std::size_t(2));
    QCOMPARE(report.imageSizes.at("28x28"), std::int64_t(2));
    QCOMPARE(report.convertedToRgb, std::int64_t(2));
    QCOMPARE(data.image(0).pixels, rgb.pixels);
    const Image converted = data.image(2);
    QCOMPARE(converted.channels, 3);
    QCOMPARE(converted.pixels, toRgb(gray).pixels);
    QVERIFY(data.description().find("mixed sizes") != std::string::npos);
}

void TestDatasets::folderEmpty()
{
    fs::create_directories(path("empty/root"));
    auto noClasses = loadDataset({DatasetSource::Kind::ClassFolders, path("empty/root"), {}, {}},
                                 BadFilePolicy::Skip, nullptr);
    QVERIFY(!noClasses.hasValue());
    QVERIFY(mentions(noClasses.error(), "no class folders"));

    fs::create_directories(path("empty/classes/a"));
    fs::create_directories(path("empty/classes/b"));
    auto noImages = loadDataset({DatasetSource::Kind::ClassFolders, path("empty/classes"), {}, {}},
                                BadFilePolicy::Skip, nullptr);
    QVERIFY(!noImages.hasValue());
    QVERIFY(mentions(noImages.error(), path("empty/classes").string() + ": no images"));

    auto missing = loadDataset({DatasetSource::Kind::ClassFolders, path("empty/none"), {}, {}},
                               BadFilePolicy::Skip, nullptr);
    QVERIFY(!missing.hasValue());
    QVERIFY(mentions(missing.error(), "no such folder"));
}

void TestDatasets::folderBadFiles()
{
    const fs::path root = path("bad");
    writePngFile(root / "cat/good.png", makeImage(8, 8, 3, 3));
    writeBytes(root / "cat/notes.txt", "not an image");
    std::string corrupt = pngBytes(makeImage(8, 8, 3, 4));
    corrupt.resize(corrupt.size() / 2); // cut inside IDAT
    writeBytes(root / "dog/broken.png", corrupt);
    writeBytes(root / "dog/fake.jpg", "plain text with a .jpg name");
    writePngFile(root / "dog/good.png", makeImage(8, 8, 3, 5));

    auto failed = loadDataset({DatasetSource::Kind::ClassFolders, root, {}, {}},
                              BadFilePolicy::Fail, nullptr);
    QVERIFY(!failed.hasValue());
    QVERIFY(mentions(failed.error(), (root / "cat/notes.txt").string() + ": not an image file"));

    LoadReport report;
    auto skipped = loadDataset({DatasetSource::Kind::ClassFolders, root, {}, {}},
                               BadFilePolicy::Skip, &report);
    QVERIFY(skipped.hasValue());
    QCOMPARE(skipped.value()->size(), std::int64_t(2));
    QCOMPARE(report.loaded, std::int64_t(2));
    QCOMPARE(report.skipped, std::int64_t(3));
    QCOMPARE(report.problems.size(), std::size_t(3));
    QVERIFY(report.problems[0].rfind((root / "cat/notes.txt").string() + ": ", 0) == 0);
    QVERIFY(report.problems[1].rfind((root / "dog/broken.png").string() + ": corrupt image", 0) ==
            0);
    QVERIFY(report.problems[2].rfind((root / "dog/fake.jpg").string() + ": not a PNG or JPEG", 0) ==
            0);

    // Only bad files: an error even under Skip.
    writeBytes(path("allbad/a/x.png"), "garbage");
    auto none = loadDataset({DatasetSource::Kind::ClassFolders, path("allbad"), {}, {}},
                            BadFilePolicy::Skip, nullptr);
    QVERIFY(!none.hasValue());
    QVERIFY(mentions(none.error(), "could be read"));
}

void TestDatasets::folderSixteenBitAndAlpha()
{
    // 16-bit gray and RGB: stb_image keeps the high byte.
    std::vector<std::uint16_t> graySamples = {0x1234, 0xFF01, 0x00FF, 0x8080};
    writeBytes(path("deep/a/gray16.png"), encodePng16(2, 2, 1, graySamples).value());
    std::vector<std::uint16_t> rgbSamples(2 * 2 * 3);
    for (std::size_t i = 0; i < rgbSamples.size(); ++i) {
        rgbSamples[i] = static_cast<std::uint16_t>(i * 0x1111 + 0x00AB);
    }
    writeBytes(path("deep/b/rgb16.png"), encodePng16(2, 2, 3, rgbSamples).value());
    Image grayAlpha{2, 1, 2, {10, 255, 20, 0}};
    writeBytes(path("deep/c/ga.png"), pngBytes(grayAlpha));
    Image rgba{1, 1, 4, {1, 2, 3, 4}};
    writeBytes(path("deep/c/rgba.png"), pngBytes(rgba));

    auto gray = readImageFile(path("deep/a/gray16.png"));
    QVERIFY(gray.hasValue());
    QCOMPARE(gray.value().channels, 1);
    QCOMPARE(gray.value().pixels, (std::vector<std::uint8_t>{0x12, 0xFF, 0x00, 0x80}));
    auto colour = readImageFile(path("deep/b/rgb16.png"));
    QVERIFY(colour.hasValue());
    QCOMPARE(colour.value().channels, 3);
    for (std::size_t i = 0; i < rgbSamples.size(); ++i) {
        QCOMPARE(int(colour.value().pixels[i]), int(rgbSamples[i] >> 8));
    }
    auto alpha = readImageFile(path("deep/c/ga.png"));
    QVERIFY(alpha.hasValue());
    QCOMPARE(alpha.value().channels, 1);
    QCOMPARE(alpha.value().pixels, (std::vector<std::uint8_t>{10, 20}));
    auto noAlpha = readImageFile(path("deep/c/rgba.png"));
    QVERIFY(noAlpha.hasValue());
    QCOMPARE(noAlpha.value().pixels, (std::vector<std::uint8_t>{1, 2, 3}));

    LoadReport report;
    auto data = loadDataset({DatasetSource::Kind::ClassFolders, path("deep"), {}, {}},
                            BadFilePolicy::Fail, &report);
    QVERIFY(data.hasValue());
    QCOMPARE(data.value()->size(), std::int64_t(4));
    QCOMPARE(data.value()->image(0).channels, 3);     // the RGB image makes everything RGB
    QCOMPARE(report.convertedToRgb, std::int64_t(2)); // gray16.png and ga.png
}

void TestDatasets::pngRoundTrip()
{
    for (const int channels : {1, 3}) {
        const Image image = makeImage(17, 5, channels, channels);
        const fs::path file = path("png/round" + std::to_string(channels) + ".png");
        writePngFile(file, image);
        QCOMPARE(readBytes(file).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
        auto back = readImageFile(file);
        QVERIFY(back.hasValue());
        QCOMPARE(back.value().width, 17);
        QCOMPARE(back.value().height, 5);
        QCOMPARE(back.value().channels, channels);
        QCOMPARE(back.value().pixels, image.pixels);
    }
    QVERIFY(!encodePng(Image{2, 2, 1, {1, 2, 3}}).hasValue());
    QVERIFY(!encodePng(Image{0, 2, 1, {}}).hasValue());
}

void TestDatasets::jpegInClassFolder()
{
    writeBytes(path("jpeg/gray/a.JPG"), minimalJpeg());
    writeBytes(path("jpeg/gray/b.jpeg"), minimalJpeg());
    writePngFile(path("jpeg/gray/c.jpg"), makeImage(1, 1, 1, 3)); // decoded by content
    LoadReport report;
    auto data = loadDataset({DatasetSource::Kind::ClassFolders, path("jpeg"), {}, {}},
                            BadFilePolicy::Fail, &report);
    QVERIFY2(data.hasValue(), data ? "" : data.error().message.c_str());
    QCOMPARE(report.loaded, std::int64_t(3));
    const Image decoded = data.value()->image(0);
    QCOMPARE(decoded.width, 1);
    QCOMPARE(decoded.height, 1);
    QCOMPARE(decoded.channels, 1);
    QVERIFY(std::abs(int(decoded.pixels[0]) - 128) <= 1);
}

void TestDatasets::npyLayouts()
{
    // uint8 NHWC (2, 2, 1, 3) with labels uint8.
    std::vector<std::uint8_t> nhwc(2 * 2 * 1 * 3);
    for (std::size_t i = 0; i < nhwc.size(); ++i) {
        nhwc[i] = static_cast<std::uint8_t>(i);
    }
    const std::vector<std::uint8_t> smallLabels = {1, 0};
    writeBytes(path("npy/a_images.npy"),
               npy(tensor(TensorDType::U8, {2, 2, 1, 3}, nhwc.data(), nhwc.size())));
    writeBytes(path("npy/a_labels.npy"),
               npy(tensor(TensorDType::U8, {2}, smallLabels.data(), smallLabels.size())));
    auto hwc = loadDataset({DatasetSource::Kind::Npy, path("npy/a_images.npy"), {}, {"x", "y"}},
                           BadFilePolicy::Fail, nullptr); // labels path derived from the name
    QVERIFY2(hwc.hasValue(), hwc ? "" : hwc.error().message.c_str());
    QCOMPARE(hwc.value()->image(1).pixels, (std::vector<std::uint8_t>{6, 7, 8, 9, 10, 11}));
    QCOMPARE(hwc.value()->image(1).width, 1);
    QCOMPARE(hwc.value()->classNames(), (std::vector<std::string>{"x", "y"}));

    // float32 NCHW (1, 3, 1, 2) in [0, 1] with int64 labels: back to HWC bytes.
    const std::vector<float> nchw = {0.0F, 1.0F / 255, 2.0F / 255, 3.0F / 255, 1.0F, 0.5F};
    const std::vector<std::int64_t> labels = {4};
    writeBytes(path("npy/syn_images.npy"),
               npy(tensor(TensorDType::F32, {1, 3, 1, 2}, nchw.data(), nchw.size() * 4)));
    writeBytes(path("npy/syn_labels.npy"),
               npy(tensor(TensorDType::I64, {1}, labels.data(), labels.size() * 8)));
    auto chw = loadDataset(
        {DatasetSource::Kind::Npy, path("npy/syn_images.npy"), path("npy/syn_labels.npy"), {}},
        BadFilePolicy::Fail, nullptr);
    QVERIFY(chw.hasValue());
    QCOMPARE(chw.value()->image(0).pixels, (std::vector<std::uint8_t>{0, 2, 255, 1, 3, 128}));
    QCOMPARE(chw.value()->classNames().size(), std::size_t(5));

    // (N, H, W) gray.
    writeBytes(path("npy/g_images.npy"), npy(tensor(TensorDType::U8, {2, 3, 1}, nhwc.data(), 6)));
    auto grayData = loadDataset(
        {DatasetSource::Kind::Npy, path("npy/g_images.npy"), path("npy/a_labels.npy"), {}},
        BadFilePolicy::Fail, nullptr);
    QVERIFY(grayData.hasValue());
    QCOMPARE(grayData.value()->image(1).channels, 1);
    QCOMPARE(grayData.value()->image(1).height, 3);
}

void TestDatasets::npyErrors()
{
    const std::vector<float> outOfRange = {0.0F, 255.0F};
    const std::vector<std::int64_t> labels = {0, 1};
    writeBytes(path("npye/f_images.npy"),
               npy(tensor(TensorDType::F32, {2, 1, 1}, outOfRange.data(), 8)));
    writeBytes(path("npye/f_labels.npy"), npy(tensor(TensorDType::I64, {2}, labels.data(), 16)));
    auto range = loadDataset({DatasetSource::Kind::Npy, path("npye/f_images.npy"), {}, {}},
                             BadFilePolicy::Fail, nullptr);
    QVERIFY(!range.hasValue());
    QVERIFY(mentions(range.error(), path("npye/f_images.npy").string() + ": float image values"));

    const std::vector<std::uint8_t> pixels(3 * 4 * 2 * 2);
    writeBytes(path("npye/c_images.npy"),
               npy(tensor(TensorDType::U8, {3, 4, 2, 2}, pixels.data(), pixels.size())));
    writeBytes(path("npye/c_labels.npy"), npy(tensor(TensorDType::I64, {2}, labels.data(), 16)));
    auto shape = loadDataset({DatasetSource::Kind::Npy, path("npye/c_images.npy"), {}, {}},
                             BadFilePolicy::Fail, nullptr);
    QVERIFY(!shape.hasValue());
    QVERIFY(mentions(shape.error(), "(3, 4, 2, 2)"));

    writeBytes(path("npye/n_images.npy"),
               npy(tensor(TensorDType::U8, {3, 2, 2}, pixels.data(), 12)));
    writeBytes(path("npye/n_labels.npy"), npy(tensor(TensorDType::I64, {2}, labels.data(), 16)));
    auto count = loadDataset({DatasetSource::Kind::Npy, path("npye/n_images.npy"), {}, {}},
                             BadFilePolicy::Fail, nullptr);
    QVERIFY(!count.hasValue());
    QVERIFY(mentions(count.error(), "has 2 labels"));

    writeBytes(path("npye/v_images.npy"),
               npy(tensor(TensorDType::U8, {2, 2, 2}, pixels.data(), 8)));
    auto names = loadDataset({DatasetSource::Kind::Npy,
                              path("npye/v_images.npy"),
                              path("npye/f_labels.npy"),
                              {"only one"}},
                             BadFilePolicy::Fail, nullptr);
    QVERIFY(!names.hasValue());
    QVERIFY(mentions(names.error(), "label 1 of record 1"));
}

void TestDatasets::npzLayouts()
{
    const std::vector<float> x = {0.0F, 1.0F, 0.2F, 0.4F};
    const std::vector<std::int64_t> y = {0, 1};
    const std::string images = npy(tensor(TensorDType::F32, {2, 1, 1, 2}, x.data(), 16));
    const std::string labels = npy(tensor(TensorDType::I64, {2}, y.data(), 16));
    const std::pair<std::string, std::string> keys[] = {
        {"x", "y"}, {"images", "labels"}, {"syn_images", "syn_labels"}};
    bool deflate = false;
    for (const auto &[imageKey, labelKey] : keys) {
        const fs::path file = path("npz/" + imageKey + ".npz");
        writeZip(file, {{imageKey + ".npy", images}, {labelKey + ".npy", labels}}, deflate);
        int code = 0;
        zip_t *archive = zip_open(file.c_str(), ZIP_RDONLY, &code);
        QVERIFY(archive != nullptr);
        zip_stat_t stat;
        QCOMPARE(zip_stat_index(archive, 0, 0, &stat), 0);
        QCOMPARE(int(stat.comp_method), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE);
        zip_discard(archive);
        auto data =
            loadDataset({DatasetSource::Kind::Npz, file, {}, {}}, BadFilePolicy::Fail, nullptr);
        QVERIFY2(data.hasValue(), data ? "" : data.error().message.c_str());
        QCOMPARE(data.value()->size(), std::int64_t(2));
        QCOMPARE(data.value()->image(0).pixels, (std::vector<std::uint8_t>{0, 255}));
        QCOMPARE(data.value()->image(1).pixels, (std::vector<std::uint8_t>{51, 102}));
        QCOMPARE(data.value()->label(1), std::int64_t(1));
        deflate = !deflate;
    }
}

void TestDatasets::npzWithoutKeys()
{
    const std::vector<std::int64_t> y = {0};
    const std::string labels = npy(tensor(TensorDType::I64, {1}, y.data(), 8));
    writeZip(path("npz/wrong.npz"), {{"pictures.npy", labels}, {"y.npy", labels}});
    auto data = loadDataset({DatasetSource::Kind::Npz, path("npz/wrong.npz"), {}, {}},
                            BadFilePolicy::Fail, nullptr);
    QVERIFY(!data.hasValue());
    QVERIFY(mentions(data.error(), path("npz/wrong.npz").string() + ": no image/label arrays"));
    QVERIFY(mentions(data.error(), "found pictures, y"));

    // A stored member whose bytes no longer match its CRC-32.
    const std::vector<float> x = {0.25F, 0.5F};
    writeZip(path("npz/crc.npz"), {{"x.npy", npy(tensor(TensorDType::F32, {2, 1, 1}, x.data(), 8))},
                                   {"y.npy", npy(tensor(TensorDType::I64, {1}, y.data(), 8))}});
    std::string zipBytes = readBytes(path("npz/crc.npz"));
    const std::size_t member = zipBytes.find("\x93NUMPY");
    QVERIFY(member != std::string::npos);
    zipBytes[member + 130] = static_cast<char>(zipBytes[member + 130] ^ 0x01);
    writeBytes(path("npz/crc.npz"), zipBytes);
    auto damaged = loadDataset({DatasetSource::Kind::Npz, path("npz/crc.npz"), {}, {}},
                               BadFilePolicy::Fail, nullptr);
    QVERIFY(!damaged.hasValue());
    QVERIFY(mentions(damaged.error(), path("npz/crc.npz").string() + "/x.npy: member is damaged"));

    writeBytes(path("npz/notzip.npz"), "plain text");
    auto notZip = loadDataset({DatasetSource::Kind::Npz, path("npz/notzip.npz"), {}, {}},
                              BadFilePolicy::Fail, nullptr);
    QVERIFY(!notZip.hasValue());
    QVERIFY(mentions(notZip.error(), path("npz/notzip.npz").string() + ": cannot open as a zip"));
}

void TestDatasets::imageZip()
{
    const Image a = makeImage(4, 4, 3, 7);
    const Image b = makeImage(4, 4, 3, 8);
    const std::string json = R"({"labels": [["00000/img00000001.png", 2], )"
                             R"(["00000/img00000000.png", 6]]})";
    writeZip(path("zip/ok.zip"),
             {{"dataset.json", json},
              {"00000/img00000001.png", pngBytes(b)},
              {"00000/img00000000.png", pngBytes(a)},
              {"00000/img00000002.png", pngBytes(a)}},
             true);
    LoadReport report;
    auto data = loadDataset({DatasetSource::Kind::ZipWithLabels, path("zip/ok.zip"), {}, {}},
                            BadFilePolicy::Fail, &report);
    QVERIFY2(data.hasValue(), data ? "" : data.error().message.c_str());
    QCOMPARE(data.value()->size(), std::int64_t(2));
    QCOMPARE(data.value()->label(0), std::int64_t(6)); // sorted by member name
    QCOMPARE(data.value()->image(0).pixels, a.pixels);
    QCOMPARE(data.value()->label(1), std::int64_t(2));
    QCOMPARE(data.value()->classNames().size(), std::size_t(7));
    QCOMPARE(report.ignored, std::int64_t(1)); // img00000002.png has no label entry

    // A corrupt member is a bad file: skipped with a report under Skip.
    std::string broken = pngBytes(b);
    broken.resize(broken.size() - 20);
    writeZip(path("zip/corrupt.zip"), {{"dataset.json", json},
                                       {"00000/img00000001.png", broken},
                                       {"00000/img00000000.png", pngBytes(a)}});
    LoadReport skipReport;
    auto skipped =
        loadDataset({DatasetSource::Kind::ZipWithLabels, path("zip/corrupt.zip"), {}, {}},
                    BadFilePolicy::Skip, &skipReport);
    QVERIFY(skipped.hasValue());
    QCOMPARE(skipped.value()->size(), std::int64_t(1));
    QCOMPARE(skipReport.skipped, std::int64_t(1));
    QVERIFY(skipReport.problems.at(0).rfind(
                path("zip/corrupt.zip").string() + "/00000/img00000001.png: ", 0) == 0);
}

void TestDatasets::imageZipErrors()
{
    const std::string png = pngBytes(makeImage(2, 2, 1, 1));
    writeZip(path("zipe/missing.zip"),
             {{"dataset.json", R"({"labels": [["a.png", 0], ["b.png", 1]]})"}, {"a.png", png}});
    auto missing =
        loadDataset({DatasetSource::Kind::ZipWithLabels, path("zipe/missing.zip"), {}, {}},
                    BadFilePolicy::Skip, nullptr);
    QVERIFY(!missing.hasValue());
    QVERIFY(mentions(missing.error(), "names 'b.png', which is not in the archive"));

    writeZip(path("zipe/null.zip"), {{"dataset.json", R"({"labels": null})"}, {"a.png", png}});
    auto unlabelled =
        loadDataset({DatasetSource::Kind::ZipWithLabels, path("zipe/null.zip"), {}, {}},
                    BadFilePolicy::Fail, nullptr);
    QVERIFY(!unlabelled.hasValue());
    QVERIFY(mentions(unlabelled.error(),
                     path("zipe/null.zip").string() + "/dataset.json: \"labels\" is null"));

    writeZip(path("zipe/nojson.zip"), {{"a.png", png}});
    auto noJson = loadDataset({DatasetSource::Kind::ZipWithLabels, path("zipe/nojson.zip"), {}, {}},
                              BadFilePolicy::Fail, nullptr);
    QVERIFY(!noJson.hasValue());
    QVERIFY(mentions(noJson.error(), "no dataset.json"));
}

void TestDatasets::splitDeterminism()
{
    auto first = splitTrainValidation(60000, 55000, 0);
    auto again = splitTrainValidation(60000, 55000, 0);
    auto other = splitTrainValidation(60000, 55000, 1);
    QVERIFY(first.hasValue() && again.hasValue() && other.hasValue());
    QCOMPARE(first.value().train.size(), std::size_t(55000));
    QCOMPARE(first.value().validation.size(), std::size_t(5000));
    QCOMPARE(first.value().train, again.value().train);
    QCOMPARE(first.value().validation, again.value().validation);
    QVERIFY(first.value().train != other.value().train);
    std::vector<bool> seen(60000, false);
    for (const auto *part : {&first.value().train, &first.value().validation}) {
        for (const std::int64_t index : *part) {
            QVERIFY(index >= 0 && index < 60000);
            QVERIFY(!seen[static_cast<std::size_t>(index)]);
            seen[static_cast<std::size_t>(index)] = true;
        }
    }
    QVERIFY(std::all_of(seen.begin(), seen.end(), [](bool taken) { return taken; }));
    // Pinned, and reproduced by an independent Python mt19937_64 + the documented shuffle.
    auto small = splitTrainValidation(10, 7, 0);
    QVERIFY(small.hasValue());
    QCOMPARE(small.value().train, (std::vector<std::int64_t>{7, 2, 0, 8, 3, 9, 6}));
    QCOMPARE(small.value().validation, (std::vector<std::int64_t>{1, 5, 4}));
    QCOMPARE(
        std::vector<std::int64_t>(first.value().train.begin(), first.value().train.begin() + 5),
        (std::vector<std::int64_t>{50855, 30713, 21729, 16174, 32104}));
    QCOMPARE(std::vector<std::int64_t>(first.value().validation.begin(),
                                       first.value().validation.begin() + 5),
             (std::vector<std::int64_t>{39416, 41809, 21872, 4421, 20473}));
    QVERIFY(!splitTrainValidation(10, 11, 0).hasValue());
    QVERIFY(!splitTrainValidation(10, -1, 0).hasValue());
    auto all = splitTrainValidation(5, 5, 3);
    QVERIFY(all.hasValue() && all.value().validation.empty());
}

void TestDatasets::importedSplitAndIndexFiles()
{
    auto imported = splitFromTrainIndices(6, {4, 0, 2});
    QVERIFY(imported.hasValue());
    QCOMPARE(imported.value().train, (std::vector<std::int64_t>{4, 0, 2}));
    QCOMPARE(imported.value().validation, (std::vector<std::int64_t>{1, 3, 5}));
    QVERIFY(!splitFromTrainIndices(6, {1, 1}).hasValue());
    QVERIFY(!splitFromTrainIndices(6, {6}).hasValue());

    const std::vector<std::int64_t> indices = {5, 3, 0, 59999};
    fs::create_directories(path("idx"));
    QVERIFY(writeIndexList(path("idx/train.npy"), indices).hasValue());
    auto fromNpy = readIndexList(path("idx/train.npy"));
    QVERIFY(fromNpy.hasValue());
    QCOMPARE(fromNpy.value(), indices);
    writeBytes(path("idx/train.txt"), "[5, 3,\n0 59999]\n");
    auto fromText = readIndexList(path("idx/train.txt"));
    QVERIFY(fromText.hasValue());
    QCOMPARE(fromText.value(), indices);
    writeBytes(path("idx/bad.txt"), "1 2 x3");
    auto bad = readIndexList(path("idx/bad.txt"));
    QVERIFY(!bad.hasValue());
    QVERIFY(mentions(bad.error(), path("idx/bad.txt").string() + ": 'x3'"));

    // A subset view keeps class names and maps indices.
    auto base = std::make_shared<InMemoryDataset>(std::vector<std::string>{"a", "b"}, "base");
    for (int i = 0; i < 6; ++i) {
        base->add(makeImage(2, 2, 1, i), i % 2);
    }
    auto view = subset(base, imported.value().validation);
    QCOMPARE(view->size(), std::int64_t(3));
    QCOMPARE(view->label(0), std::int64_t(1));
    QCOMPARE(view->image(2).pixels, base->image(5).pixels);
    QCOMPARE(view->classNames(), base->classNames());
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, subset(base, {6}));
}

void TestDatasets::transforms()
{
    // 28 -> 32: zero padding, 2 px on each side, pixels unchanged.
    const Image digit = makeImage(28, 28, 1, 9);
    const Image padded = toModelInput(digit, 32, 1);
    QCOMPARE(padded.width, 32);
    QCOMPARE(padded.height, 32);
    for (int y = 0; y < 32; ++y) {
        for (int x = 0; x < 32; ++x) {
            const bool inside = x >= 2 && x < 30 && y >= 2 && y < 30;
            const int expected =
                inside ? digit.pixels[static_cast<std::size_t>((y - 2) * 28 + x - 2)] : 0;
            QCOMPARE(int(padded.pixels[static_cast<std::size_t>(y * 32 + x)]), expected);
        }
    }
    const Image paddedRgb = toModelInput(digit, 32, 3);
    QCOMPARE(paddedRgb.channels, 3);
    QCOMPARE(int(paddedRgb.pixels[(2 * 32 + 2) * 3 + 1]), int(digit.pixels[0]));

    // BT.601 luma, rounded.
    const Image colours{5, 1, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 255, 255, 255}};
    QCOMPARE(toGrayscale(colours).pixels, (std::vector<std::uint8_t>{76, 150, 29, 18, 255}));
    QCOMPARE(toRgb(Image{1, 1, 1, {7}}).pixels, (std::vector<std::uint8_t>{7, 7, 7}));

    // Bilinear 2 -> 4 (half-pixel centres, as torch align_corners=False): 0, 25, 75, 100.
    const Image ramp{2, 1, 1, {0, 100}};
    QCOMPARE(resizeBilinear(ramp, 4, 1).pixels, (std::vector<std::uint8_t>{0, 25, 75, 100}));
    const Image constant{3, 3, 3, std::vector<std::uint8_t>(27, 77)};
    const Image big = toModelInput(constant, 64, 3);
    QCOMPARE(big.width, 64);
    QVERIFY(
        std::all_of(big.pixels.begin(), big.pixels.end(), [](std::uint8_t v) { return v == 77; }));
    // Non-square: short side to the resolution, long side centre-cropped.
    Image wide{40, 20, 1, std::vector<std::uint8_t>(800, 0)};
    for (int y = 0; y < 20; ++y) {
        for (int x = 10; x < 30; ++x) {
            wide.pixels[static_cast<std::size_t>(y * 40 + x)] = 200;
        }
    }
    const Image square = toModelInput(wide, 10, 1);
    QCOMPARE(square.width, 10);
    QCOMPARE(square.height, 10);
    QVERIFY(std::all_of(square.pixels.begin(), square.pixels.end(),
                        [](std::uint8_t v) { return v == 200; }));
    QCOMPARE(cropCentred(makeImage(4, 4, 1, 0), 2, 2).pixels[0], makeImage(4, 4, 1, 0).pixels[5]);
}

void TestDatasets::fingerprint()
{
    // Pinned: tag, n = 1, label 2, 2x1x1, pixels {7, 200} (computed independently in Python).
    InMemoryDataset tiny({"a", "b", "c"}, "tiny");
    tiny.add(Image{2, 1, 1, {7, 200}}, 2);
    QCOMPARE(datasetFingerprint(tiny), std::string("72a918194ebd4b66"));
    QCOMPARE(datasetFingerprint(InMemoryDataset({}, "empty")), std::string("80293a6ebd502ee8"));

    auto makeSet = [](std::uint8_t pixel, std::int64_t label, int width) {
        auto data = std::make_shared<InMemoryDataset>(std::vector<std::string>{"a", "b"}, "x");
        data->add(makeImage(4, 4, 3, 1), 0);
        Image second{width, 16 / width, 1, std::vector<std::uint8_t>(16, 5)};
        second.pixels[3] = pixel;
        data->add(second, label);
        return data;
    };
    const std::string reference = datasetFingerprint(*makeSet(5, 1, 4));
    QCOMPARE(datasetFingerprint(*makeSet(5, 1, 4)), reference);
    QVERIFY(datasetFingerprint(*makeSet(6, 1, 4)) != reference); // one pixel
    QVERIFY(datasetFingerprint(*makeSet(5, 0, 4)) != reference); // one label
    QVERIFY(datasetFingerprint(*makeSet(5, 1, 8)) != reference); // shape only
    auto reversed = subset(makeSet(5, 1, 4), {1, 0});
    QVERIFY(datasetFingerprint(*reversed) != reference); // order
    QCOMPARE(datasetFingerprint(*subset(makeSet(5, 1, 4), {0, 1})), reference);

    // The same records from different files give the same fingerprint.
    writeIdxPair(path("fp/images"), path("fp/labels"), 4, false);
    auto idx = loadDataset({DatasetSource::Kind::Idx, path("fp/images"), path("fp/labels"), {}},
                           BadFilePolicy::Fail, nullptr);
    QVERIFY(idx.hasValue());
    std::vector<std::uint8_t> pixels;
    std::vector<std::int64_t> labels;
    for (std::int64_t i = 0; i < 4; ++i) {
        const Image image = idx.value()->image(i);
        pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
        labels.push_back(idx.value()->label(i));
    }
    writeBytes(path("fp/x_images.npy"), npy(tensor(TensorDType::U8, {4, 3, 2}, pixels.data(), 24)));
    writeBytes(path("fp/x_labels.npy"), npy(tensor(TensorDType::I64, {4}, labels.data(), 32)));
    auto fromNpy = loadDataset({DatasetSource::Kind::Npy, path("fp/x_images.npy"), {}, {}},
                               BadFilePolicy::Fail, nullptr);
    QVERIFY(fromNpy.hasValue());
    QCOMPARE(datasetFingerprint(*fromNpy.value()), datasetFingerprint(*idx.value()));
}

DPSAPF_REGISTER_TEST(TestDatasets)
#include "test_datasets.moc"
