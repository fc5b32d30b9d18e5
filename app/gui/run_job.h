// SPDX-License-Identifier: GPL-3.0-or-later
// A unit of background work on a run folder (prepare and run stages, reselect, export) and its one
// outcome. Plain values: they cross from the GUI thread to the worker and back.
#pragma once

#include "dpsapf/core/run_config.h"
#include "dpsapf/core/run_pipeline.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace dpsapf::app {

struct RunJob {
    enum class Kind {
        RunStages, // prepare (when `config` is set) and run the stages up to `lastStage`
        Reselect,  // select again with `ratio` (no privacy cost)
        Export,    // export in `formats` into `destination`
        Evaluate,  // FID and downstream accuracy of the generated images -> RUN_DIR/eval.json
    };
    Kind kind = Kind::RunStages;
    QString runDir;
    std::optional<core::RunConfig> config; // RunStages: a new run (Create mode)
    core::RunStage lastStage = core::RunStage::Export;
    double ratio = 0.0;
    core::ExportSettings formats;
    QString destination; // empty: RUN_DIR/export
};

struct JobOutcome {
    enum class Result { Completed, Stopped, Failed };
    Result result = Result::Completed;
    QString message; // the error for Failed; where the export went for Export
    QString runDir;
};

} // namespace dpsapf::app

Q_DECLARE_METATYPE(dpsapf::app::RunJob)
Q_DECLARE_METATYPE(dpsapf::app::JobOutcome)
