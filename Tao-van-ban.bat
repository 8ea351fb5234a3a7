@echo off
rem Bam dup de tao Ke hoach va Phu luc trong thu muc output. Lan dau tu cai dat.
rem Trong cua so lenh (cmd hay PowerShell), cung tep nay voi cac tuy chon cua build_docs.py:
rem     .\Tao-van-ban.bat --packs
rem     .\Tao-van-ban.bat --intake nop
rem Double-click: builds the plan. With options: build_docs.py's options, paths relative to
rem the folder the command is typed in (this file never changes folder).
setlocal
set "HERE=%~dp0"
call "%HERE%tools\chuan-bi.bat"
if errorlevel 1 goto fail
"%HERE%.venv\Scripts\python.exe" "%HERE%build_docs.py" %*
if errorlevel 1 goto fail
if not "%~1"=="" exit /b 0
echo.
echo Xong: van ban nam trong thu muc output. Bam phim bat ky de dong cua so.
pause >nul
exit /b 0

:fail
set "RC=%errorlevel%"
echo.
echo Lenh dung voi ma %RC%, doc thong bao phia tren. Bam phim bat ky de dong cua so.
pause >nul
exit /b %RC%
