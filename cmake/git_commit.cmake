# Writes OUT with EB_GIT_COMMIT_LIVE (short commit, "-dirty" when tracked files differ),
# EB_GIT_COMMIT_ORDER (commits reachable from HEAD: increases along a branch, so a result archive
# can be put in commit order without the repository) and EB_GIT_COMMIT_TIME (committer date),
# only when it changed, so rebuilding is cheap.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT commit)
  set(commit "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(dirty)
    set(commit "${commit}-dirty")
  endif()
endif()
set(order "")
set(ctime "")
if(NOT commit STREQUAL "unknown")
  execute_process(COMMAND git rev-list --count HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE order OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND git show -s --format=%cI HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE ctime OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
set(text "#define EB_GIT_COMMIT_LIVE \"${commit}\"\n#define EB_GIT_COMMIT_ORDER \"${order}\"\n#define EB_GIT_COMMIT_TIME \"${ctime}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
