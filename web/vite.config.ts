// The console is served by the case API at / (SPA fallback), so assets use the absolute base '/'.
// In development, `vite` proxies the API to the case API on 8080.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ command, mode }) => {
  // A production build ships React's production bundle and JSX runtime even when the
  // calling shell has NODE_ENV=development (e.g. the main job's environment).
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return {
    base: '/',
    plugins: [react()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 400,
    },
    server: {
      proxy: {
        '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      },
    },
  };
});
